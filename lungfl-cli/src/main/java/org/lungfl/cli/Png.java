package org.lungfl.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.lungfl.core.UserFacingException;

/** Writes the reports' images; a folder that cannot take one is an error naming the file. */
final class Png {
    private Png() {}

    static void write(BufferedImage img, Path png) {
        try {
            ImageIO.write(img, "png", png.toFile());
        } catch (IOException e) {
            throw new UserFacingException(png + ": cannot write the image: " + e.getMessage(), e);
        }
    }
}
