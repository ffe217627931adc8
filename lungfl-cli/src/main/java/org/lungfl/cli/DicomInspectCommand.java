package org.lungfl.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.lungfl.dicom.inspect.DicomInspection;
import org.lungfl.dicom.io.FolderListing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        description = {
            "Reads DICOM files and prints their header attributes and Hounsfield-unit statistics.",
            "HU = stored value x RescaleSlope + RescaleIntercept over all frames; hu_sum and hu_sha256 use HU "
                    + "rounded to the nearest integer (ties to even), the digest over 32-bit little-endian integers "
                    + "in frame, row, column order. Patient names and IDs are never printed.",
            "Exit status: 0 when every file was read, 1 otherwise."
        })
final class DicomInspectCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "One JSON object per line: path, DICOM keywords, hu_min, hu_max, hu_mean, hu_sum, hu_sha256 and warnings (or path and error).")
    boolean json;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "DICOM files, or folders searched recursively.")
    List<Path> paths;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        FolderListing listing = DicomPaths.expand(paths);
        List<Path> files = listing.files();
        if (files.isEmpty() && listing.skipped().isEmpty()) {
            err.println("lungfl: no files under " + paths.stream().map(Path::toString).collect(Collectors.joining(", ")));
            return 1;
        }
        boolean allRead = true;
        for (Path path : files) {
            DicomInspection inspection = DicomInspection.of(path);
            allRead &= inspection.ok();
            if (json) out.println(inspection.toJsonLine());
            else if (inspection.ok()) out.print(inspection.toText());
            else err.println(inspection.error());
            out.flush();
        }
        for (Map.Entry<Path, String> skip : listing.skipped().entrySet()) {
            DicomInspection inspection = DicomInspection.skipped(skip.getKey(), skip.getValue());
            allRead = false;
            if (json) out.println(inspection.toJsonLine());
            else err.println(inspection.error());
        }
        return allRead ? 0 : 1;
    }
}
