package org.lungfl.dicom.dataset;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lungfl.core.UserFacingException;

/**
 * The labels CSV: patient → 0 (no cancer) or 1 (cancer). Two layouts are accepted, told apart by
 * the header: Kaggle DSB2017's {@code id,cancer}, where {@code id} is the patient's folder name, and
 * {@code PatientID,label}, matched against the DICOM PatientID. Errors name file, line and value,
 * except that a PatientID is never echoed (it identifies a patient).
 */
public record Labels(Path file, Layout layout, Map<String, Label> byId) {
    /** Label files bigger than this are not label files. */
    private static final long MAX_BYTES = 64L << 20;

    public enum Layout {
        DSB2017("id", "cancer"),
        PATIENT_ID("PatientID", "label");

        final String idColumn;
        final String labelColumn;

        Layout(String idColumn, String labelColumn) {
            this.idColumn = idColumn;
            this.labelColumn = labelColumn;
        }

        String header() {
            return idColumn + "," + labelColumn;
        }
    }

    /** A label and the CSV line it came from (so reports can point at the line, not the ID). */
    public record Label(int value, int line) {}

    public static Labels read(Path file) {
        List<String> lines;
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) throw new UserFacingException(file + ": " + size + " bytes is too large for a labels CSV");
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UserFacingException(file + ": no such labels file");
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new UserFacingException(file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new UserFacingException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (lines.isEmpty()) throw new UserFacingException(file + ": empty; expected a header 'id,cancer' or 'PatientID,label'");
        String header = lines.get(0).replace("\uFEFF", "").strip();
        Layout layout = null;
        for (Layout l : Layout.values()) {
            String[] cols = split(header);
            if (cols.length == 2 && cols[0].equalsIgnoreCase(l.idColumn) && cols[1].equalsIgnoreCase(l.labelColumn)) layout = l;
        }
        if (layout == null) {
            throw new UserFacingException(file + " line 1: header '" + header
                    + "' is neither 'id,cancer' (Kaggle DSB2017) nor 'PatientID,label'");
        }
        boolean secret = layout == Layout.PATIENT_ID;
        Map<String, Label> byId = new LinkedHashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            int line = i + 1;
            String text = lines.get(i).strip();
            if (text.isEmpty()) continue;
            String[] cols = split(text);
            if (cols.length != 2) {
                throw new UserFacingException(file + " line " + line + ": expected 2 columns (" + layout.header() + "), found " + cols.length);
            }
            String id = cols[0];
            if (id.isEmpty()) throw new UserFacingException(file + " line " + line + ": empty " + layout.idColumn);
            int value = switch (cols[1]) {
                case "0" -> 0;
                case "1" -> 1;
                default -> throw new UserFacingException(file + " line " + line + ": " + layout.labelColumn + " '" + cols[1]
                        + "' must be 0 or 1");
            };
            Label previous = byId.putIfAbsent(id, new Label(value, line));
            if (previous != null) {
                throw new UserFacingException(file + " line " + line + ": duplicate " + layout.idColumn
                        + (secret ? "" : " '" + id + "'") + " (first on line " + previous.line() + ")");
            }
        }
        return new Labels(file, layout, Collections.unmodifiableMap(byId));
    }

    /** Two columns, each optionally in double quotes (no embedded commas in either layout). */
    private static String[] split(String line) {
        String[] cols = line.split(",", -1);
        for (int i = 0; i < cols.length; i++) {
            String c = cols[i].strip();
            if (c.length() >= 2 && c.startsWith("\"") && c.endsWith("\"")) c = c.substring(1, c.length() - 1).strip();
            cols[i] = c;
        }
        return cols;
    }
}
