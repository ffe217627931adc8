package org.lungfl.dicom.io;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The regular files below a folder, in path order, and everything else that was found but will
 * not be read, with the reason: FIFOs, sockets and devices (opening one could block forever),
 * broken symbolic links and symbolic link loops, folders that cannot be listed. Symbolic links
 * to files are followed; symbolic links to folders are not (a loop could never end).
 */
public record FolderListing(List<Path> files, Map<Path, String> skipped) {

    public static FolderListing of(Path folder) throws IOException {
        List<Path> files = new ArrayList<>();
        Map<Path, String> skipped = new TreeMap<>();
        // The folder named (a patient's folder linked into an export, say) is followed: one link
        // followed once cannot loop. Links inside it are not.
        Path start = Files.isSymbolicLink(folder) && Files.isDirectory(folder) ? folder.toRealPath() : folder;
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    files.add(file);
                } else if (attrs.isSymbolicLink() && Files.isDirectory(file)) {
                    skipped.put(file, "is a symbolic link to a folder (not followed)");
                } else {
                    String why = FileKind.whyNotRegular(file);
                    if (why == null) files.add(file);
                    else skipped.put(file, why);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                String why = FileKind.whyNotRegular(file);
                skipped.put(file, why != null ? why : "cannot be listed: " + e.getMessage());
                return FileVisitResult.CONTINUE;
            }
        });
        files.sort(null);
        return new FolderListing(List.copyOf(files), skipped);
    }
}
