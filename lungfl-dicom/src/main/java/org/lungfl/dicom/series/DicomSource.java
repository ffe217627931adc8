package org.lungfl.dicom.series;

import java.nio.file.Path;
import org.lungfl.dicom.DicomException;
import org.lungfl.dicom.io.DicomFile;

/** Opens one DICOM file; the importer and volume loader read through this (normally the DICOM reader). */
@FunctionalInterface
public interface DicomSource {
    DicomFile read(Path file) throws DicomException;
}
