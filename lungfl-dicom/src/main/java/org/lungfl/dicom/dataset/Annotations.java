package org.lungfl.dicom.dataset;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lungfl.core.UserFacingException;

/**
 * Nodule annotations, the supervision of a lesion-centred plan. Two layouts, told apart by the
 * header and read by column name (any column order, extra columns ignored):
 * <ul>
 *   <li>LungFL's {@code nodules.csv} ({@code lungfl synth}): {@code id,…,malignant,…,x_mm,y_mm,z_mm,diameter_mm},
 *       {@code id} being the patient as in the labels CSV (folder name or PatientID);
 *   <li>LUNA16's {@code annotations.csv}: {@code seriesuid,coordX,coordY,coordZ,diameter_mm}, matched by
 *       SeriesInstanceUID, with an optional {@code malignant} column; without it every annotated nodule
 *       is positive, which is what LUNA16 gives.
 * </ul>
 * Positions are patient coordinates (DICOM LPS, mm) in both. Errors name the file, line and column.
 */
public record Annotations(Path file, Keyed keyedBy, Map<String, List<Nodule>> byId) {
    private static final long MAX_BYTES = 64L << 20;

    /** What the first column identifies. */
    public enum Keyed { PATIENT, SERIES }

    /** The nodules of one patient, or of one series for LUNA16 files; empty when none are annotated. */
    public List<Nodule> of(String id) {
        return byId.getOrDefault(id, List.of());
    }

    public int count() {
        return byId.values().stream().mapToInt(List::size).sum();
    }

    public static Annotations read(Path file) {
        List<String> lines;
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) throw new UserFacingException(file + ": " + size + " bytes is too large for an annotations CSV");
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UserFacingException(file + ": no such annotations file");
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new UserFacingException(file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new UserFacingException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (lines.isEmpty()) throw new UserFacingException(file + ": empty; expected a header line");
        List<String> header = new ArrayList<>();
        for (String c : lines.get(0).replace("\uFEFF", "").split(",", -1)) header.add(c.strip().toLowerCase(Locale.ROOT));
        Keyed keyed;
        String[] coords;
        if (header.contains("seriesuid")) {
            keyed = Keyed.SERIES;
            coords = new String[] {"coordx", "coordy", "coordz"};
        } else if (header.contains("id") && header.contains("x_mm")) {
            keyed = Keyed.PATIENT;
            coords = new String[] {"x_mm", "y_mm", "z_mm"};
        } else {
            throw new UserFacingException(file + " line 1: neither LungFL's nodules.csv header (id,…,x_mm,y_mm,z_mm,diameter_mm)"
                    + " nor LUNA16's (seriesuid,coordX,coordY,coordZ,diameter_mm)");
        }
        int idCol = header.indexOf(keyed == Keyed.SERIES ? "seriesuid" : "id");
        int[] xyz = new int[3];
        for (int i = 0; i < 3; i++) xyz[i] = column(header, coords[i], file);
        int diameter = column(header, "diameter_mm", file);
        int malignant = header.indexOf("malignant");

        Map<String, List<Nodule>> byId = new LinkedHashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            int line = i + 1;
            String text = lines.get(i).strip();
            if (text.isEmpty()) continue;
            String[] cols = text.split(",", -1);
            if (cols.length != header.size()) {
                throw new UserFacingException(file + " line " + line + ": " + cols.length + " columns, the header has " + header.size());
            }
            String id = cols[idCol].strip();
            if (id.isEmpty()) throw new UserFacingException(file + " line " + line + ": empty " + header.get(idCol));
            double[] p = new double[3];
            for (int a = 0; a < 3; a++) p[a] = number(cols[xyz[a]], file, line, header.get(xyz[a]));
            double d = number(cols[diameter], file, line, "diameter_mm");
            if (!(d > 0 && d < 200)) throw new UserFacingException(file + " line " + line + ": diameter_mm " + cols[diameter].strip()
                    + " must be in (0, 200)");
            boolean positive = true;
            if (malignant >= 0) {
                positive = switch (cols[malignant].strip()) {
                    case "1" -> true;
                    case "0" -> false;
                    default -> throw new UserFacingException(file + " line " + line + ": malignant '" + cols[malignant].strip()
                            + "' must be 0 or 1");
                };
            }
            byId.computeIfAbsent(id, k -> new ArrayList<>()).add(new Nodule(p, d, positive));
        }
        Map<String, List<Nodule>> frozen = new HashMap<>();
        byId.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
        return new Annotations(file, keyed, Collections.unmodifiableMap(frozen));
    }

    private static int column(List<String> header, String name, Path file) {
        int i = header.indexOf(name);
        if (i < 0) throw new UserFacingException(file + " line 1: no '" + name + "' column");
        return i;
    }

    private static double number(String text, Path file, int line, String column) {
        try {
            double v = Double.parseDouble(text.strip());
            if (Double.isFinite(v)) return v;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UserFacingException(file + " line " + line + ": " + column + " '" + text.strip() + "' is not a finite number");
    }
}
