package org.lungfl.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.tensor.Npy;
import org.lungfl.dicom.dataset.Nodule;
import org.lungfl.model.Cohort;
import org.lungfl.model.LesionEvaluator;
import org.lungfl.model.LesionPatient;

/**
 * A picture of what the model does on test patients: its top finding in cancers it ranks high (true
 * positives), in patients without cancer it ranks high (false positives), and the malignant nodule
 * of the cancers it ranks lowest (misses), each on the axial slice through the finding, in a lung
 * window, with the candidate or nodule circled.
 */
final class FindingsGallery {
    static final String FILE = "findings.png";
    static final String CAPTION = "Rows: true positives (top finding of the highest-ranked cancers), false positives (top finding of "
            + "the highest-ranked patients without cancer), misses (the largest malignant nodule of the lowest-ranked cancers; "
            + "yellow: no candidate on it). Axial slices, lung window, 96 mm across; p is the model's probability.";
    private static final int PER_ROW = 4, CROP = 64, ZOOM = 3, TILE = CROP * ZOOM, GAP = 8, LABEL = 54;

    private FindingsGallery() {}

    private record Tile(LesionPatient patient, double[] voxel, double radiusVoxels, String caption, Color ring) {}

    static Path write(Path png, FederationPlan plan, Cohort test, Cohort.Evaluation eval, Path cache) {
        List<LesionPatient> patients = test.lesionPatients();
        List<LesionEvaluator.PatientScore> scores = eval.scores();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < patients.size(); i++) order.add(i);
        order.sort(Comparator.comparingDouble((Integer i) -> scores.get(i).probability()).reversed());
        List<List<Tile>> rows = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        double match = plan.patch().matchMm();
        for (int i : order) {
            LesionPatient p = patients.get(i);
            LesionEvaluator.PatientScore s = scores.get(i);
            int top = argmax(s.candidateProbabilities());
            if (top < 0) continue;
            var c = p.candidates().get(top);
            double r = Math.max(4, Math.sqrt(3) * c.sigmaMm()) / p.grid().spacing()[1];
            if (p.label() == 1 && p.candidateLabel(top, match) == 1 && rows.get(0).size() < PER_ROW) {
                rows.get(0).add(new Tile(p, voxel(c.voxel()), r, String.format(Locale.ROOT, "%s  p=%.2f", p.key(), s.probability()), Color.GREEN));
            } else if (p.label() == 0 && rows.get(1).size() < PER_ROW) {
                rows.get(1).add(new Tile(p, voxel(c.voxel()), r, String.format(Locale.ROOT, "%s  p=%.2f", p.key(), s.probability()), Color.RED));
            }
        }
        for (int k = order.size() - 1; k >= 0 && rows.get(2).size() < PER_ROW; k--) {
            LesionPatient p = patients.get(order.get(k));
            if (p.label() != 1 || !p.annotated()) continue;
            Nodule n = p.nodules().stream().filter(Nodule::malignant).max(Comparator.comparingDouble(Nodule::diameterMm)).orElse(null);
            if (n == null) continue;
            boolean found = p.candidates().stream().anyMatch(c -> n.covers(c.positionMm(), match));
            rows.get(2).add(new Tile(p, p.grid().toVoxel(n.positionMm()), n.diameterMm() / 2 / p.grid().spacing()[1],
                    String.format(Locale.ROOT, "%s  p=%.2f\n%.0f mm nodule%s", p.key(), scores.get(order.get(k)).probability(), n.diameterMm(),
                            found ? "" : "\nno candidate on it"), found ? Color.ORANGE : Color.YELLOW));
        }
        draw(png, rows, cache);
        return png;
    }

    private static void draw(Path png, List<List<Tile>> rows, Path cache) {
        System.setProperty("java.awt.headless", "true");
        String[] names = {"true positives", "false positives", "misses"};
        int left = 130;
        int width = left + PER_ROW * (TILE + GAP) + GAP;
        int height = GAP + rows.size() * (TILE + LABEL + GAP);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(new Color(24, 24, 28));
            g.fillRect(0, 0, width, height);
            for (int r = 0; r < rows.size(); r++) {
                int y0 = GAP + r * (TILE + LABEL + GAP);
                g.setColor(Color.WHITE);
                g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
                g.drawString(names[r], 10, y0 + TILE / 2);
                for (int c = 0; c < rows.get(r).size(); c++) {
                    Tile t = rows.get(r).get(c);
                    int x0 = left + c * (TILE + GAP);
                    g.drawImage(slice(t, cache), x0, y0, null);
                    g.setColor(t.ring());
                    g.setStroke(new BasicStroke(2f));
                    int cx = x0 + TILE / 2, cy = y0 + TILE / 2;
                    int rr = (int) Math.round((t.radiusVoxels() + 2) * ZOOM);
                    g.drawOval(cx - rr, cy - rr, 2 * rr, 2 * rr);
                    g.setColor(Color.LIGHT_GRAY);
                    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
                    String[] lines = t.caption().split("\n");
                    for (int l = 0; l < lines.length; l++) g.drawString(lines[l], x0, y0 + TILE + 16 + 15 * l);
                }
            }
        } finally {
            g.dispose();
        }
        Png.write(img, png);
    }

    /** The axial slice through the tile's voxel, 64 voxels around it, lung window (−1350…150 HU), zoomed. */
    private static BufferedImage slice(Tile t, Path cache) {
        Npy.ShortArray v = Npy.readShorts(cache.resolve(t.patient().key() + ".npy"));
        int d = v.shape()[0], h = v.shape()[1], w = v.shape()[2];
        int z = clamp((int) Math.round(t.voxel()[0]), d), cy = (int) Math.round(t.voxel()[1]), cx = (int) Math.round(t.voxel()[2]);
        BufferedImage img = new BufferedImage(TILE, TILE, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < TILE; y++) {
            int sy = cy - CROP / 2 + y / ZOOM;
            for (int x = 0; x < TILE; x++) {
                int sx = cx - CROP / 2 + x / ZOOM;
                double hu = sy < 0 || sy >= h || sx < 0 || sx >= w ? -1000 : v.data()[(z * h + sy) * w + sx];
                int grey = (int) Math.round(255 * Math.max(0, Math.min(1, (hu + 1350) / 1500)));
                img.setRGB(x, y, grey * 0x010101);
            }
        }
        return img;
    }

    private static int clamp(int i, int n) {
        return Math.max(0, Math.min(n - 1, i));
    }

    private static double[] voxel(int[] v) {
        return new double[] {v[0], v[1], v[2]};
    }

    private static int argmax(double[] p) {
        int best = -1;
        for (int i = 0; i < p.length; i++) if (best < 0 || p[i] > p[best]) best = i;
        return best;
    }
}
