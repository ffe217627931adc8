package org.lungfl.gui;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.BorderLayout;
import java.awt.GridBagConstraints;
import java.awt.GridBagLayout;
import java.awt.Insets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JProgressBar;
import javax.swing.JScrollPane;
import javax.swing.JTable;
import javax.swing.JTextField;
import javax.swing.table.DefaultTableModel;

/**
 * The Server page: where the federation is (server, backups, token file, CA, site id), "Connect",
 * and the federation's status (queue "7 / 10", global model, role, sites, queued updates),
 * refreshed every few seconds while the page is visible.
 */
final class ServerPanel extends JPanel {
    private static final DateTimeFormatter HH_MM_SS = DateTimeFormatter.ofPattern("HH:mm:ss");
    private final SiteSession session;
    private final Header header;
    final JTextField server;
    final JTextField backups;
    final JTextField tokenFile;
    final JTextField caFile;
    final JTextField clientId;
    private final JButton connect = Ui.primary("connect", "Connect");
    private final JButton checkStatus = Ui.button("checkStatus", "Check server status");
    private final JLabel result = Ui.value("connectResult", " ");
    private final JProgressBar queue = new JProgressBar();
    private final JLabel global = Ui.value("globalVersion", "–");
    private final JLabel role = Ui.value("serverRole", "–");
    private final JLabel sites = Ui.value("connectedSites", "–");
    private final JLabel validation = Ui.value("validation", "–");
    private final JLabel updated = Ui.muted("not connected");
    private final DefaultTableModel queued = new DefaultTableModel(new String[] {"Site", "Patients", "Base version", "Received", "Address"}, 0) {
        @Override public boolean isCellEditable(int r, int c) {
            return false;
        }
    };
    private final StatusPoller poller;
    private ConnectionCheck.Report lastReport;
    private volatile boolean showing;

    ServerPanel(SiteSession session, Header header) {
        super(new BorderLayout());
        this.session = session;
        this.header = header;
        Settings s = session.settings;
        server = Ui.field("server", s.server, "e.g. 192.168.1.100, fl.example.org:5000 or https://fl.example.org:5000");
        backups = Ui.field("backups", String.join(", ", s.backups), "optional; several separated by commas");
        tokenFile = Ui.field("tokenFile", s.tokenFile, "the file the server's operator gave this site (empty for an open server)");
        caFile = Ui.field("caFile", s.caFile, "optional: the server's certificate or CA, for https with its own CA");
        clientId = Ui.field("clientId", s.clientId, "the token's name; empty: this computer's name");

        Ui.Form form = new Ui.Form()
                .row("Server", server)
                .row("Backup servers", backups)
                .row("Token file", Ui.pathPicker(tokenFile, false, null, null))
                .row("CA certificate", Ui.pathPicker(caFile, false, "pem", "PEM certificates"))
                .row("Site id", clientId)
                .wide(Ui.row(connect, checkStatus))
                .wide(result);
        result.putClientProperty("FlatLaf.styleClass", "medium");
        JPanel connection = Ui.card("Connection", "The federation's server, and backups to use when it does not answer. Port 5000 and http unless given.", form);

        updated.setName("updatedAt");
        queue.setName("queueBar");
        queue.setStringPainted(true);
        queue.setString("– / –");
        queue.putClientProperty("FlatLaf.style", "arc: 8");
        queue.setPreferredSize(new java.awt.Dimension(260, 26));
        global.putClientProperty("FlatLaf.styleClass", "large");
        Ui.Form facts = new Ui.Form()
                .row("Queue", queue)
                .row("Global model", global)
                .row("Server role", role)
                .row("Sites", sites)
                .row("Validation", validation);
        JTable table = new JTable(queued);
        table.setName("queuedUpdates");
        table.setFillsViewportHeight(true);
        table.setRowHeight(26);
        JScrollPane tableScroll = new JScrollPane(table);
        tableScroll.setPreferredSize(new java.awt.Dimension(400, 120));
        JPanel statusBody = new JPanel(new BorderLayout(0, 10));
        statusBody.add(facts, BorderLayout.NORTH);
        JPanel queuedBox = new JPanel(new BorderLayout(0, 4));
        queuedBox.setOpaque(false);
        queuedBox.add(new JLabel("Updates waiting for the next global model"), BorderLayout.NORTH);
        queuedBox.add(tableScroll, BorderLayout.CENTER);
        queuedBox.add(updated, BorderLayout.SOUTH);
        statusBody.add(queuedBox, BorderLayout.CENTER);
        JPanel status = Ui.card("Federation status", "The server's queue fills with one update per site; when it is full, FedAvg makes the next global model.",
                statusBody);

        JPanel grid = new JPanel(new GridBagLayout());
        grid.setBorder(BorderFactory.createEmptyBorder(14, 14, 14, 14));
        grid.add(connection, new GridBagConstraints(0, 0, 1, 1, 1, 0, GridBagConstraints.NORTH, GridBagConstraints.HORIZONTAL,
                new Insets(0, 0, 12, 0), 0, 0));
        grid.add(status, new GridBagConstraints(0, 1, 1, 1, 1, 1, GridBagConstraints.NORTH, GridBagConstraints.BOTH, new Insets(0, 0, 0, 0), 0, 0));
        add(grid, BorderLayout.CENTER);

        poller = new StatusPoller(session.watch, () -> showing, this::showStatus, this::statusFailed);
        connect.addActionListener(e -> connect());
        checkStatus.addActionListener(e -> {
            updated.setText("asking the server…");
            poller.now();
        });
        session.listen(this::refreshButtons);
        refreshButtons();
    }

    /** Asks for the server's status now, if connected. */
    void refreshStatus() {
        poller.now();
    }

    void setShowing(boolean visible) {
        showing = visible;
    }

    private void refreshButtons() {
        SiteState st = session.state();
        Ui.enable(connect, st.whyNot(SiteState.Action.CONNECT), "check the server, the token and the plan");
        Ui.enable(checkStatus, st.whyNot(SiteState.Action.CHECK_STATUS), "ask the server for its queue, global model and role now");
    }

    /** Saves the fields, then checks /health, the token and the plan in the background. */
    void connect() {
        Settings s = session.settings;
        s.server = server.getText().strip();
        s.backups = Arrays.stream(backups.getText().split("[,\\s]+")).map(String::strip).filter(b -> !b.isEmpty()).toList();
        s.tokenFile = tokenFile.getText().strip();
        s.caFile = caFile.getText().strip();
        s.clientId = clientId.getText().strip();
        session.saveSettings();
        Connection c;
        try {
            c = Connection.of(s.server, s.backups, s.tokenFile, s.caFile, s.clientId);
        } catch (RuntimeException e) {
            show(ConnectionCheck.Report.failed(ErrorWords.of(e)));
            session.log.add("connect: " + ErrorWords.of(e));
            return;
        }
        var local = new ConnectionCheck.Local(session.cacheFingerprint, session.local == null ? null : session.local.planFingerprint());
        live(ConnectionCheck.Level.NONE, "connecting to " + c.primary() + "…");
        connect.setEnabled(false);
        session.jobs.start("Connect", ctx -> ConnectionCheck.run(c, session.watch, local), report -> {
            show(report);
            lastReport = report;
            if (report.plan() != null) {
                session.connection = c;
                session.connected = true;
                session.plan = report.plan();
                session.planFromServer = true;
                try {
                    session.site().savePlan(report.plan());
                } catch (RuntimeException e) {
                    session.log.add("the plan could not be kept in the site folder: " + ErrorWords.of(e));
                }
                showStatus(report.status());
                poller.start(c);
            } else {
                session.connected = false;
                poller.stop();
            }
            session.log.add("connect: " + report.words());
            session.changed();
        }, words -> show(ConnectionCheck.Report.failed(words)));
    }

    private void show(ConnectionCheck.Report r) {
        live(r.level(), r.words());
    }

    /** The connection in words, under the Connect button and in the header: always the latest truth. */
    private void live(ConnectionCheck.Level level, String words) {
        result.setText(words);
        result.setForeground(level == ConnectionCheck.Level.NONE ? javax.swing.UIManager.getColor("Label.foreground") : Theme.colour(level));
        header.indicator(level, words);
    }

    private void showStatus(JsonNode s) {
        StatusView v = StatusView.of(s, ZoneId.systemDefault());
        queue.setMaximum(Math.max(1, v.capacity()));
        queue.setValue(v.queueSize());
        queue.setString(v.queue());
        global.setText(v.globalModel());
        role.setText(v.role());
        sites.setText(v.clients());
        validation.setText(v.validation());
        queued.setRowCount(0);
        for (StatusView.QueuedRow q : v.queued()) {
            queued.addRow(new Object[] {q.clientId(), q.samples(), q.baseVersion(), q.receivedAt(), q.address()});
        }
        updated.setText("updated " + HH_MM_SS.format(session.clock.instant().atZone(ZoneId.systemDefault()))
                + (showing ? " · refreshes every " + StatusPoller.FAST_SECONDS + " s while this page is open" : ""));
        header.failover(session.watch.banner(ZoneId.systemDefault()));
        if (session.connected) {
            boolean backup = session.watch.onBackup();
            String mismatch = lastReport == null ? null : lastReport.mismatch();
            live(backup || mismatch != null ? ConnectionCheck.Level.WARNING : ConnectionCheck.Level.OK,
                    (backup ? "connected to backup " + session.watch.using() : "connected to primary")
                            + (session.plan == null ? "" : ", plan " + session.plan.name()) + (mismatch == null ? "" : "; " + mismatch));
        }
    }

    private void statusFailed(String words) {
        updated.setText("no answer at " + HH_MM_SS.format(session.clock.instant().atZone(ZoneId.systemDefault())) + ": " + words);
        live(ConnectionCheck.Level.ERROR, words);
        header.failover(session.watch.banner(ZoneId.systemDefault()));
    }

    /** Fills the fields from the command line and connects at once. */
    void prefill(String srv, List<String> backupList, String token, String ca, String id) {
        if (srv != null) server.setText(srv);
        if (backupList != null && !backupList.isEmpty()) backups.setText(String.join(", ", backupList));
        if (token != null) tokenFile.setText(token);
        if (ca != null) caFile.setText(ca);
        if (id != null) clientId.setText(id);
    }

    void shutdown() {
        poller.shutdown();
    }
}
