package org.lungfl.gui.viewer;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.Font;
import java.awt.Graphics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.event.MouseAdapter;
import java.awt.event.MouseEvent;
import java.awt.event.MouseWheelEvent;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.Locale;
import javax.swing.JComponent;

/** One plane of the {@link SliceViewer}: the image at its true millimetre proportions, the other plane's line, findings. */
final class SliceView extends JComponent {
    enum Plane { AXIAL, CORONAL }

    private static final Color LINE = new Color(0x3FA9F5);
    private static final Color FINDING = new Color(0xFFB020);
    private static final int DRAG_THRESHOLD = 3;

    private final SliceViewer viewer;
    private final Plane plane;
    private BufferedImage image;
    /** Where the image was last drawn: screen x, y and pixels per voxel (x, row). */
    private double ox, oy, sx, sy;
    private int pressX, pressY, lastX, lastY;
    private boolean dragging;

    SliceView(SliceViewer viewer, Plane plane) {
        this.viewer = viewer;
        this.plane = plane;
        setPreferredSize(new Dimension(320, 320));
        setMinimumSize(new Dimension(160, 160));
        setOpaque(true);
        MouseAdapter mouse = new MouseAdapter() {
            @Override public void mousePressed(MouseEvent e) {
                pressX = lastX = e.getX();
                pressY = lastY = e.getY();
                dragging = false;
            }

            @Override public void mouseDragged(MouseEvent e) {
                if (!dragging && Math.abs(e.getX() - pressX) + Math.abs(e.getY() - pressY) < DRAG_THRESHOLD) return;
                dragging = true;
                viewer.setWindow(viewer.window().dragged(e.getX() - lastX, e.getY() - lastY));
                lastX = e.getX();
                lastY = e.getY();
            }

            @Override public void mouseReleased(MouseEvent e) {
                if (!dragging) click(e.getX(), e.getY());
                dragging = false;
            }

            @Override public void mouseWheelMoved(MouseWheelEvent e) {
                if (plane == Plane.AXIAL) viewer.scrollAxial(e.getWheelRotation());
                else viewer.setCoronal(viewer.coronalIndex() + e.getWheelRotation());
            }
        };
        addMouseListener(mouse);
        addMouseMotionListener(mouse);
        addMouseWheelListener(mouse);
        setToolTipText(plane == Plane.AXIAL ? "axial: wheel = slices, drag = window/level, click = place the coronal line"
                : "coronal: wheel = front to back, drag = window/level, click = go to that axial slice");
    }

    void invalidateImage() {
        image = null;
    }

    private void click(int px, int py) {
        ViewerVolume v = viewer.volume();
        if (v == null || sx == 0) return;
        double row = (py - oy) / sy;
        if (plane == Plane.AXIAL) viewer.setCoronal((int) Math.floor(row));
        else viewer.setAxial(zOfRow((int) Math.floor(row), v));
    }

    private int rowOfZ(double z, ViewerVolume v) {
        return (int) Math.round(v.headTowardsHigherZ() ? v.depth() - 1 - z : z);
    }

    private int zOfRow(int row, ViewerVolume v) {
        return v.headTowardsHigherZ() ? v.depth() - 1 - row : row;
    }

    private BufferedImage render(ViewerVolume v) {
        byte[] lut = viewer.lut();
        int w = v.width();
        int h = plane == Plane.AXIAL ? v.height() : v.depth();
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        byte[] px = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        short[] hu = v.hu();
        if (plane == Plane.AXIAL) {
            int from = viewer.axialIndex() * v.height() * w;
            for (int i = 0; i < w * h; i++) px[i] = lut[hu[from + i] + 32768];
        } else {
            int y = viewer.coronalIndex();
            for (int row = 0; row < h; row++) {
                int src = (zOfRow(row, v) * v.height() + y) * w;
                System.arraycopy(mapRow(hu, src, w, lut), 0, px, row * w, w);
            }
        }
        return img;
    }

    private static byte[] mapRow(short[] hu, int from, int w, byte[] lut) {
        byte[] out = new byte[w];
        for (int x = 0; x < w; x++) out[x] = lut[hu[from + x] + 32768];
        return out;
    }

    @Override
    protected void paintComponent(Graphics g0) {
        Graphics2D g = (Graphics2D) g0.create();
        try {
            g.setColor(Color.BLACK);
            g.fillRect(0, 0, getWidth(), getHeight());
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            ViewerVolume v = viewer.volume();
            if (v == null) return;
            if (image == null) image = render(v);
            double mmW = v.width() * v.spacing()[2];
            double mmH = plane == Plane.AXIAL ? v.height() * v.spacing()[1] : v.depth() * v.spacing()[0];
            double scale = Math.min((getWidth() - 8) / mmW, (getHeight() - 8) / mmH);
            double dw = mmW * scale, dh = mmH * scale;
            ox = (getWidth() - dw) / 2;
            oy = (getHeight() - dh) / 2;
            sx = dw / image.getWidth();
            sy = dh / image.getHeight();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, (int) Math.round(ox), (int) Math.round(oy), (int) Math.round(dw), (int) Math.round(dh), null);
            overlays(g, v);
        } finally {
            g.dispose();
        }
    }

    private void overlays(Graphics2D g, ViewerVolume v) {
        // the other plane's position
        g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f}, 0f));
        g.setColor(new Color(LINE.getRed(), LINE.getGreen(), LINE.getBlue(), 150));
        double line = plane == Plane.AXIAL ? oy + (viewer.coronalIndex() + 0.5) * sy : oy + (rowOfZ(viewer.axialIndex(), v) + 0.5) * sy;
        g.draw(new Line2D.Double(ox, line, ox + image.getWidth() * sx, line));

        g.setStroke(new BasicStroke(2f));
        Font small = getFont().deriveFont(Font.BOLD, getFont().getSize2D() * 0.9f);
        g.setFont(small);
        int n = 0;
        for (Finding f : viewer.findings()) {
            n++;
            double offMm = plane == Plane.AXIAL ? Math.abs(f.z() - viewer.axialIndex()) * v.spacing()[0]
                    : Math.abs(f.y() - viewer.coronalIndex()) * v.spacing()[1];
            if (offMm > f.radiusMm()) continue;
            // the circle where the finding's sphere cuts this slice
            double r = Math.sqrt(f.radiusMm() * f.radiusMm() - offMm * offMm);
            double cx = ox + (f.x() + 0.5) * sx;
            double cy = plane == Plane.AXIAL ? oy + (f.y() + 0.5) * sy : oy + (rowOfZ(f.z(), v) + 0.5) * sy;
            double rx = Math.max(4, r / v.spacing()[2] * sx) + 3;
            double ry = Math.max(4, r / (plane == Plane.AXIAL ? v.spacing()[1] : v.spacing()[0]) * sy) + 3;
            g.setColor(FINDING);
            g.draw(new Ellipse2D.Double(cx - rx, cy - ry, 2 * rx, 2 * ry));
            String label = String.format(Locale.ROOT, "%d  %.0f%%", n, f.score() * 100);
            shadowed(g, label, (int) (cx + rx + 4), (int) (cy - ry + small.getSize()));
        }

        g.setFont(getFont());
        g.setColor(Color.WHITE);
        String title = plane == Plane.AXIAL ? "Axial" : "Coronal";
        shadowed(g, title, 10, 6 + g.getFontMetrics().getAscent());
        String pos = plane == Plane.AXIAL ? "slice " + viewer.sliceNumber() + " / " + v.depth()
                : "row " + (viewer.coronalIndex() + 1) + " / " + v.height();
        shadowed(g, pos, 10, getHeight() - 8);
    }

    private void shadowed(Graphics2D g, String s, int x, int y) {
        Color c = g.getColor();
        g.setColor(new Color(0, 0, 0, 170));
        g.drawString(s, x + 1, y + 1);
        g.setColor(c);
        g.drawString(s, x, y);
    }
}
