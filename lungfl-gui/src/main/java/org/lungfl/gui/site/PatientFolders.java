package org.lungfl.gui.site;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.lungfl.core.UserFacingException;
import org.lungfl.dicom.dataset.Labels;
import org.lungfl.dicom.dataset.Manifest;
import org.lungfl.dicom.io.DicomReader;

/**
 * Finds the DICOM folder of a patient the window lists by cache key. With {@code id,cancer} labels
 * the key is the folder's name; with {@code PatientID,label} labels it is a salted hash of the
 * PatientID, so each folder's first readable file is hashed the way the import did until one
 * matches. The PatientID read on the way goes no further than {@link Manifest#keyOf}.
 */
public final class PatientFolders {
    private PatientFolders() {}

    public static Path find(Path dicomDir, Path cacheDir, String key) {
        if (!Files.isDirectory(dicomDir)) throw new UserFacingException(dicomDir + ": the DICOM folder is not there");
        Manifest m = Manifest.read(cacheDir);
        if (m.layout() == Labels.Layout.DSB2017) {
            Path p = dicomDir.resolve(key);
            if (Files.isDirectory(p) && p.normalize().getParent().equals(dicomDir.normalize())) return p;
            throw new UserFacingException("patient " + key + ": no folder of that name in " + dicomDir);
        }
        for (Path folder : list(dicomDir)) {
            if (key.equals(keyOf(folder, m))) return folder;
        }
        throw new UserFacingException("patient " + key + ": none of the folders in " + dicomDir + " holds this patient (another archive?)");
    }

    private static String keyOf(Path folder, Manifest m) {
        try (Stream<Path> s = Files.walk(folder)) {
            for (Path f : s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList()) {
                try {
                    String key = m.keyOf(DicomReader.read(f).patientId());
                    if (key != null) return key;
                } catch (UserFacingException unreadable) {
                    // the next file may do
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            return null;
        }
        return null;
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new UserFacingException(dir + ": cannot list: " + e.getMessage(), e);
        }
    }
}
