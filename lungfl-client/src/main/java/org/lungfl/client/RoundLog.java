package org.lungfl.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import org.lungfl.core.UserFacingException;

/** {@code rounds.csv}: one line per trained round, appended as soon as the round's update is ready. */
final class RoundLog {
    static final String FILE = "rounds.csv";
    static final String HEADER = "round,base_version,update_id,train_samples,validation_samples,train_loss,val_auc,val_log_loss,"
            + "val_accuracy,val_sensitivity,val_specificity,val_candidate_auc,base_val_auc,train_seconds,finished_at";

    private final Path file;

    RoundLog(Path outDir) {
        this.file = outDir.resolve(FILE);
    }

    void append(FederatedTrainingCycle.RoundRecord r) {
        var v = r.validation();
        var c = r.candidateValidation();
        String line = String.format(Locale.ROOT, "%d,%d,%s,%d,%d,%.6f,%s,%s,%s,%s,%s,%s,%s,%.1f,%s%n", r.round(), r.baseVersion(),
                r.updateId(), r.trainSamples(), v == null ? 0 : v.count(), r.trainLoss(), num(v == null ? Double.NaN : v.auc()),
                num(v == null ? Double.NaN : v.logLoss()), num(v == null ? Double.NaN : v.atHalf().accuracy()),
                num(v == null ? Double.NaN : v.atHalf().sensitivity()), num(v == null ? Double.NaN : v.atHalf().specificity()),
                num(c == null ? Double.NaN : c.auc()), num(r.baseValidationAuc()), r.trainSeconds(), r.finishedAt());
        try {
            if (!Files.exists(file)) Files.writeString(file, HEADER + "\n", StandardCharsets.UTF_8);
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UserFacingException(file + ": cannot write the round log: " + e.getMessage(), e);
        }
    }

    private static String num(double d) {
        return Double.isFinite(d) ? String.format(Locale.ROOT, "%.6f", d) : "";
    }
}
