package org.lungfl.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.lungfl.dicom.io.FolderListing;

/**
 * Command-line DICOM paths: files as given, folders expanded to their regular files in path
 * order; what a folder holds that is not a regular file (a FIFO, a socket, a link loop) is
 * listed as skipped, with the reason.
 */
final class DicomPaths {
    private DicomPaths() {}

    /** A path that is not a readable folder stays in the files, so reading it reports why. */
    static FolderListing expand(List<Path> paths) {
        List<Path> files = new ArrayList<>();
        Map<Path, String> skipped = new TreeMap<>();
        for (Path p : paths) {
            if (!Files.isDirectory(p)) {
                files.add(p);
                continue;
            }
            try {
                FolderListing listing = FolderListing.of(p);
                files.addAll(listing.files());
                skipped.putAll(listing.skipped());
            } catch (IOException e) {
                files.add(p);
            }
        }
        return new FolderListing(files, skipped);
    }
}
