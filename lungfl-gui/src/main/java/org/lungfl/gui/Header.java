package org.lungfl.gui;

import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.FlowLayout;
import java.awt.Graphics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import javax.swing.BorderFactory;
import javax.swing.BoxLayout;
import javax.swing.JButton;
import javax.swing.JLabel;
import javax.swing.JPanel;

/**
 * The top of the window: name and site, the connection light with its reason in words, the
 * light/dark switch, and, while a backup server is in use, an amber banner saying which and since when.
 */
final class Header extends JPanel {
    private final JLabel status = Ui.value("connectionIndicator", "not connected");
    private final JLabel site = Ui.muted(" ");
    private final JLabel banner = Ui.value("failoverBanner", " ");
    private final JPanel bannerBox = new JPanel(new BorderLayout());
    private final JButton theme = Ui.button("theme", "");
    private ConnectionCheck.Level level = ConnectionCheck.Level.NONE;

    Header(Runnable toggleTheme) {
        super(new BorderLayout());
        JPanel top = new JPanel(new BorderLayout(16, 0));
        top.setBorder(BorderFactory.createEmptyBorder(12, 18, 10, 14));
        top.setOpaque(false);

        JPanel title = new JPanel();
        title.setOpaque(false);
        title.setLayout(new BoxLayout(title, BoxLayout.Y_AXIS));
        JLabel name = new JLabel("LungFL");
        name.putClientProperty("FlatLaf.styleClass", "h2");
        title.add(name);
        title.add(site);
        top.add(title, BorderLayout.WEST);

        // The light is the label's icon, so it stays next to the words; long words end in "…" (the tooltip has them whole).
        status.setIcon(new Dot());
        status.setIconTextGap(8);
        status.setHorizontalAlignment(JLabel.RIGHT);
        status.setToolTipText("not connected");
        top.add(status, BorderLayout.CENTER);
        JPanel right = new JPanel(new FlowLayout(FlowLayout.RIGHT, 10, 6));
        right.setOpaque(false);
        theme.putClientProperty("JButton.buttonType", "roundRect");
        theme.addActionListener(e -> {
            toggleTheme.run();
            themeLabel();
        });
        themeLabel();
        right.add(theme);
        top.add(right, BorderLayout.EAST);
        add(top, BorderLayout.CENTER);

        bannerBox.setBorder(BorderFactory.createEmptyBorder(7, 18, 7, 18));
        bannerBox.add(banner, BorderLayout.CENTER);
        bannerBox.setVisible(false);
        add(bannerBox, BorderLayout.SOUTH);
        setBorder(BorderFactory.createMatteBorder(0, 0, 1, 0, javax.swing.UIManager.getColor("Component.borderColor")));
    }

    private void themeLabel() {
        theme.setText(Theme.dark() ? "Light mode" : "Dark mode");
    }

    void site(String text) {
        site.setText(text);
    }

    void indicator(ConnectionCheck.Level l, String words) {
        level = l;
        status.setText(words);
        status.setToolTipText(words);
        status.repaint();
    }

    ConnectionCheck.Level level() {
        return level;
    }

    /** Shows the failover banner, or hides it for null. */
    void failover(String words) {
        boolean show = words != null;
        banner.setText(show ? "⚠  " + words : " ");
        bannerBox.setBackground(Theme.tint(Theme.WARNING));
        bannerBox.setVisible(show);
        revalidate();
    }

    boolean isBannerVisible() {
        return bannerBox.isVisible();
    }

    @Override
    public void updateUI() {
        super.updateUI();
        if (bannerBox != null) bannerBox.setBackground(Theme.tint(Theme.WARNING));
        setBorder(BorderFactory.createMatteBorder(0, 0, 1, 0, javax.swing.UIManager.getColor("Component.borderColor")));
    }

    /** The coloured light. */
    private final class Dot implements javax.swing.Icon {
        @Override public int getIconWidth() {
            return 14;
        }

        @Override public int getIconHeight() {
            return 14;
        }

        @Override public void paintIcon(java.awt.Component c, Graphics g0, int x, int y) {
            Graphics2D g = (Graphics2D) g0.create();
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            Color col = Theme.colour(level);
            g.setColor(Theme.tint(col));
            g.fillOval(x, y, 14, 14);
            g.setColor(col);
            g.fillOval(x + 3, y + 3, 8, 8);
            g.dispose();
        }
    }
}
