package org.lungfl.model;

import java.nio.file.Path;
import java.util.Arrays;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.tensor.Npy;

/**
 * One patient's preprocessed volume in the dataset cache (a float32 {@code .npy} of shape [D, H, W])
 * and its label (1 = cancer). The key is the cache's pseudonymous patient key, never a DICOM ID.
 */
public record LabelledVolume(String key, int label, Path file) implements Patient {
    public LabelledVolume {
        if (label != 0 && label != 1) throw new IllegalArgumentException("label of " + key + " must be 0 or 1, not " + label);
    }

    /** The volume's values, checked against the model's input shape {@code [1, D, H, W]}. */
    public float[] load(int[] inputShape) {
        Npy.Array a = Npy.read(file);
        int[] s = a.shape();
        boolean fits = (s.length == 3 && s[0] == inputShape[1] && s[1] == inputShape[2] && s[2] == inputShape[3])
                || (s.length == 4 && s[0] == 1 && s[1] == inputShape[1] && s[2] == inputShape[2] && s[3] == inputShape[3]);
        if (!fits) {
            throw new UserFacingException(file + ": volume shape " + Arrays.toString(s) + " does not match the plan's input "
                    + Arrays.toString(Arrays.copyOfRange(inputShape, 1, 4)) + " (re-import the dataset with this plan)");
        }
        return a.data();
    }
}
