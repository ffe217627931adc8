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

/** AUC per round as a PNG line chart, drawn with java.awt (headless) so no plotting library is needed. */
final class AucPlot {
    /** One named series of (round, AUC) points; NaN values are skipped. */
    record Series(String name, Color color, double[] x, double[] y, boolean dashed) {}

    private static final int W = 900, H = 540, LEFT = 80, RIGHT = 30, TOP = 50, BOTTOM = 70;

    private AucPlot() {}

    private static BasicStroke stroke(Series s) {
        return s.dashed() ? new BasicStroke(2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {9f, 6f}, 0f)
                : new BasicStroke(2.5f);
    }

    static void write(Path png, String title, List<Series> series, double maxX) {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, W, H);
            int pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM;
            double xMax = Math.max(1, maxX);
            // AUC axis from 0.4 (below chance is possible early on) to 1.0.
            double yMin = 0.4, yMax = 1.0;
            for (Series s : series) for (double v : s.y()) if (Double.isFinite(v)) yMin = Math.min(yMin, Math.floor(v * 10) / 10);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
            for (int i = 0; i <= Math.round((yMax - yMin) * 10); i++) {
                double v = yMin + i / 10.0;
                int y = TOP + (int) Math.round(ph * (1 - (v - yMin) / (yMax - yMin)));
                g.setColor(new Color(225, 225, 225));
                g.drawLine(LEFT, y, LEFT + pw, y);
                g.setColor(Color.DARK_GRAY);
                g.drawString(String.format(Locale.ROOT, "%.1f", v), LEFT - 36, y + 5);
            }
            int step = (int) Math.max(1, Math.ceil(xMax / 12));
            for (int r = 0; r <= xMax; r += step) {
                int x = LEFT + (int) Math.round(pw * r / xMax);
                g.setColor(Color.DARK_GRAY);
                g.drawLine(x, TOP + ph, x, TOP + ph + 5);
                g.drawString(Integer.toString(r), x - 4, TOP + ph + 22);
            }
            g.drawRect(LEFT, TOP, pw, ph);
            g.drawString("round (global version)", LEFT + pw / 2 - 70, H - 22);
            Graphics2D rotated = (Graphics2D) g.create();
            rotated.rotate(-Math.PI / 2);
            rotated.drawString("ROC AUC", -(TOP + ph / 2) - 30, 24);
            rotated.dispose();
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
            g.drawString(title, LEFT, 30);

            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
            for (Series s : series) {
                g.setColor(s.color());
                g.setStroke(stroke(s));
                int px = -1, py = -1;
                for (int i = 0; i < s.x().length; i++) {
                    if (!Double.isFinite(s.y()[i])) continue;
                    int x = LEFT + (int) Math.round(pw * s.x()[i] / xMax);
                    int y = TOP + (int) Math.round(ph * (1 - (s.y()[i] - yMin) / (yMax - yMin)));
                    if (px >= 0) g.drawLine(px, py, x, y);
                    if (!s.dashed()) g.fillOval(x - 4, y - 4, 8, 8);
                    px = x;
                    py = y;
                }
            }
            // The legend on a white box, drawn last so no line crosses its text.
            int legendY = TOP + ph - 18 * series.size();
            int textWidth = 0;
            for (Series s : series) textWidth = Math.max(textWidth, g.getFontMetrics().stringWidth(s.name()));
            int legendX = LEFT + pw - textWidth - 60;
            g.setColor(new Color(255, 255, 255, 230));
            g.fillRect(legendX - 8, legendY - 14, textWidth + 62, 18 * series.size() + 8);
            for (Series s : series) {
                g.setColor(s.color());
                g.setStroke(stroke(s));
                g.drawLine(legendX, legendY, legendX + 35, legendY);
                g.setColor(Color.BLACK);
                g.drawString(s.name(), legendX + 45, legendY + 5);
                legendY += 18;
            }
        } finally {
            g.dispose();
        }
        Png.write(img, png);
    }
}
