package org.lungfl.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import org.lungfl.core.metrics.AucInterval;

/**
 * The final test AUC of every setting under every attack as grouped bars with their 95 % CI,
 * drawn with java.awt (headless) like {@link AucPlot}: one group per setting, one bar per attack,
 * with the all-honest FedAvg AUC and 0.95 × it as horizontal lines.
 */
final class RobustnessPlot {
    private static final Color[] PALETTE = {new Color(31, 119, 180), new Color(214, 39, 40), new Color(255, 127, 14),
        new Color(44, 160, 44), new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194), new Color(127, 127, 127),
        new Color(188, 189, 34), new Color(23, 190, 207)};
    private static final int H = 460, LEFT = 70, RIGHT = 20, TOP = 70, BOTTOM = 80, MIN_WIDTH = 900;

    private RobustnessPlot() {}

    static Color color(int i) {
        return PALETTE[i % PALETTE.length];
    }

    static void bars(Path png, List<RobustnessFederation.Setting> settings, List<Attack> attacks,
            BiFunction<RobustnessFederation.Setting, Attack, RobustnessFederation.Run> runs, RobustnessFederation.Run reference) {
        System.setProperty("java.awt.headless", "true");
        // At least as wide as the demo's plot; few settings get wider groups rather than empty space.
        int group = Math.max(Math.max(60, attacks.size() * 16 + 20), (MIN_WIDTH - LEFT - RIGHT) / Math.max(1, settings.size()));
        int w = LEFT + RIGHT + group * settings.size();
        BufferedImage img = new BufferedImage(w, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), H);
            int pw = img.getWidth() - LEFT - RIGHT, ph = H - TOP - BOTTOM;
            double yMin = 0.3, yMax = 1.0;
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            for (int i = 0; i <= Math.round((yMax - yMin) * 10); i++) {
                double v = yMin + i / 10.0;
                int y = y(v, yMin, yMax, ph);
                g.setColor(new Color(225, 225, 225));
                g.drawLine(LEFT, y, LEFT + pw, y);
                g.setColor(Color.DARK_GRAY);
                g.drawString(String.format(Locale.ROOT, "%.1f", v), LEFT - 30, y + 4);
            }
            Graphics2D rotated = (Graphics2D) g.create();
            rotated.rotate(-Math.PI / 2);
            rotated.drawString("final test AUC (patients)", -(TOP + ph / 2) - 70, 20);
            rotated.dispose();
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.drawString("Final test AUC, one of the sites attacking (bars: 95% CI)", LEFT, 22);

            int barW = Math.max(6, Math.min(40, (group - 20) / Math.max(1, attacks.size())));
            for (int s = 0; s < settings.size(); s++) {
                int gx = LEFT + s * group + (group - barW * attacks.size()) / 2;
                for (int a = 0; a < attacks.size(); a++) {
                    RobustnessFederation.Run r = runs.apply(settings.get(s), attacks.get(a));
                    if (r == null || Double.isNaN(r.finalAuc().auc())) continue;
                    AucInterval i = r.finalAuc();
                    int x = gx + a * barW;
                    int top = y(Math.max(yMin, i.auc()), yMin, yMax, ph);
                    g.setColor(color(a));
                    g.fillRect(x, top, barW - 2, TOP + ph - top);
                    if (!Double.isNaN(i.lower())) {
                        g.setColor(Color.BLACK);
                        g.setStroke(new BasicStroke(1f));
                        int lo = y(Math.max(yMin, i.lower()), yMin, yMax, ph), hi = y(i.upper(), yMin, yMax, ph);
                        int cx = x + (barW - 2) / 2;
                        g.drawLine(cx, lo, cx, hi);
                        g.drawLine(cx - 2, hi, cx + 2, hi);
                        g.drawLine(cx - 2, lo, cx + 2, lo);
                    }
                }
                g.setColor(Color.BLACK);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
                String[] words = settings.get(s).title().split(" \\+ ");
                for (int k = 0; k < words.length; k++) {
                    String label = (k > 0 ? "+ " : "") + words[k];
                    int tw = g.getFontMetrics().stringWidth(label);
                    g.drawString(label, gx + barW * attacks.size() / 2 - tw / 2, TOP + ph + 16 + 13 * k);
                }
            }
            if (reference != null && !Double.isNaN(reference.finalAuc().auc())) {
                double ref = reference.finalAuc().auc();
                g.setColor(Color.BLACK);
                g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 4f}, 0f));
                g.drawLine(LEFT, y(ref, yMin, yMax, ph), LEFT + pw, y(ref, yMin, yMax, ph));
                g.setColor(new Color(200, 0, 0));
                double keep = RobustnessReport.KEEP * ref;
                g.drawLine(LEFT, y(keep, yMin, yMax, ph), LEFT + pw, y(keep, yMin, yMax, ph));
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
                g.drawString(String.format(Locale.ROOT, "black: honest FedAvg %.3f; red: 0.95 x it", ref), LEFT + pw - 250, TOP - 8);
            }
            g.setStroke(new BasicStroke(1f));
            g.setColor(Color.DARK_GRAY);
            g.drawRect(LEFT, TOP, pw, ph);
            // Legend: one swatch per attack, in a row under the title.
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            int lx = LEFT, ly = 34;
            for (int a = 0; a < attacks.size(); a++) {
                String name = attacks.get(a).title;
                int entry = 16 + g.getFontMetrics().stringWidth(name) + 14;
                if (lx > LEFT && lx + entry > img.getWidth() - RIGHT) {
                    lx = LEFT;
                    ly += 14;
                }
                g.setColor(color(a));
                g.fillRect(lx, ly, 12, 12);
                g.setColor(Color.BLACK);
                g.drawString(name, lx + 16, ly + 11);
                lx += entry;
            }
        } finally {
            g.dispose();
        }
        Png.write(img, png);
    }

    private static int y(double v, double yMin, double yMax, int ph) {
        return TOP + (int) Math.round(ph * (1 - (Math.min(yMax, v) - yMin) / (yMax - yMin)));
    }
}
