package org.lungfl.dicom.candidates;

import java.util.stream.IntStream;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.dicom.volume.HuVolume;

/**
 * Where the lungs are, and the box around them that the cache keeps. The classical recipe:
 * <ol>
 *   <li>the body is the largest 6-connected region above −500 HU (the table and blankets are
 *       separate, smaller regions), with each axial slice's holes filled;
 *   <li>the lungs are the air ({@code lung_hu}) inside it, without pockets under 20 mL (bowel gas);
 *   <li>each slice's lung outline is closed with a disc of {@code lung_closing_mm} (a "rolling ball")
 *       and its holes filled, so vessels, nodules inside the lung and nodules on the pleura, which
 *       bite a notch out of the air, are inside the mask.
 * </ol>
 * The candidate detector then looks only inside the mask, where the chest wall cannot respond.
 */
public final class LungMask {
    static final float BODY_HU = -500f;
    static final double MIN_POCKET_ML = 20;
    /** Kept around the lungs' box, so a patch centred on a candidate at the edge still sees tissue. */
    static final double BOX_MARGIN_MM = 12;

    private final byte[] croppedMask;
    private final int[] box;
    private final int[] boxShape;

    private LungMask(byte[] croppedMask, int[] box, int[] boxShape) {
        this.croppedMask = croppedMask;
        this.box = box;
        this.boxShape = boxShape;
    }

    public static LungMask of(HuVolume hu, FederationPlan.Candidates p) {
        int d = hu.depth(), h = hu.height(), w = hu.width();
        int plane = h * w;
        float[] v = hu.data();
        byte[] body = new byte[v.length];
        for (int i = 0; i < v.length; i++) body[i] = (byte) (v[i] > BODY_HU ? 1 : 0);
        Components.keepLargest(body, d, h, w);
        // Slices are independent in each per-slice step: they run on the common fork-join pool.
        IntStream.range(0, d).parallel().forEach(z -> Slices.fillHoles(body, z * plane, h, w));

        byte[] lung = new byte[v.length];
        float air = (float) p.lungHu();
        for (int i = 0; i < v.length; i++) lung[i] = (byte) (body[i] == 1 && v[i] < air ? 1 : 0);
        double voxelMl = hu.spacing()[0] * hu.spacing()[1] * hu.spacing()[2] / 1000.0;
        Components.dropSmallerThan(lung, d, h, w, (int) Math.ceil(MIN_POCKET_ML / voxelMl));
        double radius = p.lungClosingMm() / hu.spacing()[1];
        IntStream.range(0, d).parallel().forEach(z -> {
            Slices.close(lung, z * plane, h, w, radius);
            Slices.fillHoles(lung, z * plane, h, w);
        });

        int[] lo = {d, h, w}, hi = {-1, -1, -1};
        for (int z = 0; z < d; z++) {
            for (int y = 0; y < h; y++) {
                int row = (z * h + y) * w;
                for (int x = 0; x < w; x++) {
                    if (lung[row + x] == 0) continue;
                    lo[0] = Math.min(lo[0], z); hi[0] = Math.max(hi[0], z);
                    lo[1] = Math.min(lo[1], y); hi[1] = Math.max(hi[1], y);
                    lo[2] = Math.min(lo[2], x); hi[2] = Math.max(hi[2], x);
                }
            }
        }
        int[] size = {d, h, w};
        int[] box = new int[3], shape = new int[3];
        for (int a = 0; a < 3; a++) {
            if (hi[a] < 0) { // no lungs found: keep the whole volume, the detector finds nothing inside an empty mask
                box[a] = 0;
                shape[a] = size[a];
                continue;
            }
            int m = (int) Math.ceil(BOX_MARGIN_MM / hu.spacing()[a]);
            box[a] = Math.max(0, lo[a] - m);
            shape[a] = Math.min(size[a], hi[a] + m + 1) - box[a];
        }
        return new LungMask(crop(lung, size, box, shape), box, shape);
    }

    /** First voxel (z, y, x) of the lungs' box in the original volume. */
    public int[] box() {
        return box.clone();
    }

    /** The mask inside the box (1 = lung), in the box's layout. */
    public byte[] croppedMask() {
        return croppedMask;
    }

    /** The part of a volume inside the box. */
    public HuVolume crop(HuVolume v) {
        float[] out = new float[boxShape[0] * boxShape[1] * boxShape[2]];
        int h = v.height(), w = v.width();
        int o = 0;
        for (int z = 0; z < boxShape[0]; z++) {
            for (int y = 0; y < boxShape[1]; y++) {
                System.arraycopy(v.data(), ((z + box[0]) * h + y + box[1]) * w + box[2], out, o, boxShape[2]);
                o += boxShape[2];
            }
        }
        return new HuVolume(boxShape[0], boxShape[1], boxShape[2], out, v.spacing());
    }

    private static byte[] crop(byte[] m, int[] size, int[] box, int[] shape) {
        byte[] out = new byte[shape[0] * shape[1] * shape[2]];
        int o = 0;
        for (int z = 0; z < shape[0]; z++) {
            for (int y = 0; y < shape[1]; y++) {
                System.arraycopy(m, ((z + box[0]) * size[1] + y + box[1]) * size[2] + box[2], out, o, shape[2]);
                o += shape[2];
            }
        }
        return out;
    }
}
