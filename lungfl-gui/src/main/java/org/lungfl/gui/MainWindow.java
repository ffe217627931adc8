package org.lungfl.gui;

import java.awt.BorderLayout;
import java.awt.Dimension;
import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;
import java.time.Clock;
import javax.swing.JFrame;
import javax.swing.JPanel;
import javax.swing.JTabbedPane;
import javax.swing.SwingUtilities;
import javax.swing.WindowConstants;

/**
 * The desktop client's window: header with the connection light, the pages (Server, Data,
 * Training, Prediction, Log), and the task bar with progress and Cancel.
 */
public final class MainWindow extends JFrame {
    static final String[] PAGES = {"Server", "Data", "Training", "Prediction", "Log"};
    final SiteSession session;
    final Header header;
    final ServerPanel serverPanel;
    final DataPanel dataPanel;
    final TrainingPanel trainingPanel;
    final PredictionPanel predictionPanel;
    final JTabbedPane tabs = new JTabbedPane();
    private final Runnable onClosed;

    MainWindow(Settings settings, java.nio.file.Path settingsFile, LaunchOptions launch, Runnable onClosed) {
        super("LungFL: hospital client");
        this.onClosed = onClosed;
        setName("lungfl");
        session = new SiteSession(settings, settingsFile, Clock.systemDefaultZone());
        header = new Header(this::toggleTheme);
        serverPanel = new ServerPanel(session, header);
        dataPanel = new DataPanel(session);
        trainingPanel = new TrainingPanel(session);
        predictionPanel = new PredictionPanel(session);
        session.refreshStatus = () -> serverPanel.refreshStatus();
        dataPanel.onPredict(key -> {
            showPage("Prediction");
            predictionPanel.predictPatient(key);
        });

        tabs.setName("pages");
        tabs.putClientProperty("JTabbedPane.tabAreaInsets", new java.awt.Insets(0, 10, 0, 10));
        tabs.addTab(PAGES[0], serverPanel);
        tabs.addTab(PAGES[1], dataPanel);
        tabs.addTab(PAGES[2], trainingPanel);
        tabs.addTab(PAGES[3], predictionPanel);
        tabs.addTab(PAGES[4], new LogPanel(session));
        tabs.addChangeListener(e -> {
            serverPanel.setShowing(tabs.getSelectedIndex() == 0);
            settings.tab = tabs.getSelectedIndex();
        });

        JPanel root = new JPanel(new BorderLayout());
        root.add(header, BorderLayout.NORTH);
        root.add(tabs, BorderLayout.CENTER);
        root.add(new TaskBar(session.jobs), BorderLayout.SOUTH);
        setContentPane(root);
        // Ctrl+Q (Cmd+Q on a Mac) closes the window like its close button: settings are saved, a running job is stopped.
        int menu = java.awt.Toolkit.getDefaultToolkit().getMenuShortcutKeyMaskEx();
        root.getInputMap(javax.swing.JComponent.WHEN_IN_FOCUSED_WINDOW).put(javax.swing.KeyStroke.getKeyStroke(java.awt.event.KeyEvent.VK_Q, menu), "quit");
        root.getActionMap().put("quit", new javax.swing.AbstractAction() {
            @Override public void actionPerformed(java.awt.event.ActionEvent e) {
                dispose();
            }
        });
        setMinimumSize(new Dimension(980, 680));
        setDefaultCloseOperation(WindowConstants.DISPOSE_ON_CLOSE);
        addWindowListener(new WindowAdapter() {
            @Override public void windowClosed(WindowEvent e) {
                shutdown();
            }
        });

        int[] w = settings.window;
        if (w != null && w.length == 4 && w[2] >= 600 && w[3] >= 400) setBounds(w[0], w[1], w[2], w[3]);
        else {
            setSize(1280, 820);
            setLocationRelativeTo(null);
        }
        tabs.setSelectedIndex(Math.max(0, Math.min(PAGES.length - 1, settings.tab)));
        serverPanel.setShowing(tabs.getSelectedIndex() == 0);
        session.log.add("LungFL desktop client started; settings in " + settingsFile + ", site folder " + settings.siteFolder());
        session.reloadSite();
        header.site("site folder " + settings.siteFolder());
        session.listen(() -> header.site("site " + (session.connection != null ? session.connection.clientId() : "not connected")
                + "  ·  " + settings.siteFolder() + (session.plan == null ? "" : "  ·  plan " + session.plan.name())));
        session.changed();
        SwingUtilities.invokeLater(tabs::requestFocusInWindow);
        if (launch.connectAtStart()) {
            serverPanel.prefill(launch.server(), launch.backups(), path(launch.tokenFile()), path(launch.caFile()), launch.clientId());
            SwingUtilities.invokeLater(serverPanel::connect);
        }
    }

    private static String path(java.nio.file.Path p) {
        return p == null ? null : p.toString();
    }

    private void toggleTheme() {
        Theme.toggle();
        session.settings.dark = Theme.dark();
        trainingPanel.theme();
        header.failover(session.watch.banner(java.time.ZoneId.systemDefault()));
    }

    /** The page with this title (tests and screenshots). */
    public void showPage(String title) {
        for (int i = 0; i < tabs.getTabCount(); i++) if (tabs.getTitleAt(i).equals(title)) tabs.setSelectedIndex(i);
    }

    private void shutdown() {
        var b = getBounds();
        session.settings.window = new int[] {b.x, b.y, b.width, b.height};
        session.saveSettings();
        session.jobs.shutdown();
        serverPanel.shutdown();
        dataPanel.shutdown();
        onClosed.run();
    }
}
