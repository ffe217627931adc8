package org.lungfl.dicom.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.UserFacingException;

class LabelsTest {
    @TempDir Path dir;

    private Path csv(String text) throws IOException {
        return Files.writeString(dir.resolve("labels.csv"), text);
    }

    @Test
    void readsKaggleDsb2017Layout() throws IOException {
        Labels l = Labels.read(csv("\uFEFFid,cancer\n0015ceb851d7251b8f399e39779d1e7d,1\n\n\"0030a160d58723ff36d73f41b170ec21\",0\r\n"));
        assertThat(l.layout()).isEqualTo(Labels.Layout.DSB2017);
        assertThat(l.byId()).containsOnlyKeys("0015ceb851d7251b8f399e39779d1e7d", "0030a160d58723ff36d73f41b170ec21");
        assertThat(l.byId().get("0015ceb851d7251b8f399e39779d1e7d")).isEqualTo(new Labels.Label(1, 2));
        assertThat(l.byId().get("0030a160d58723ff36d73f41b170ec21")).isEqualTo(new Labels.Label(0, 4));
    }

    @Test
    void readsPatientIdLayout() throws IOException {
        Labels l = Labels.read(csv("PatientID,label\nA-1,0\nB-2,1\n"));
        assertThat(l.layout()).isEqualTo(Labels.Layout.PATIENT_ID);
        assertThat(l.byId()).hasSize(2);
    }

    @Test
    void badRowsNameFileLineAndValue() throws IOException {
        assertRejected("id,cancer\na,1\nb,2\n", "labels.csv line 3: cancer '2' must be 0 or 1");
        assertRejected("id,cancer\na,1\nb,yes\n", "line 3: cancer 'yes' must be 0 or 1");
        assertRejected("id,cancer\na,1\nb\n", "line 3: expected 2 columns (id,cancer), found 1");
        assertRejected("id,cancer\na,1\n,0\n", "line 3: empty id");
        assertRejected("id,cancer\na,1\nb,0\na,0\n", "line 4: duplicate id 'a' (first on line 2)");
        assertRejected("patient,diagnosis\n", "line 1: header 'patient,diagnosis' is neither 'id,cancer' (Kaggle DSB2017) nor 'PatientID,label'");
        assertRejected("", "empty");
    }

    @Test
    void aDuplicatePatientIdIsReportedWithoutEchoingIt() throws IOException {
        Path f = csv("PatientID,label\nSECRET-42,1\nSECRET-42,0\n");
        assertThatThrownBy(() -> Labels.read(f)).isInstanceOf(UserFacingException.class)
                .hasMessageContaining("line 3: duplicate PatientID (first on line 2)").hasMessageNotContaining("SECRET");
    }

    @Test
    void aMissingFileIsOneClearLine() {
        Path f = dir.resolve("nope.csv");
        assertThatThrownBy(() -> Labels.read(f)).isInstanceOf(UserFacingException.class).hasMessage(f + ": no such labels file");
    }

    private void assertRejected(String text, String message) throws IOException {
        Path f = csv(text);
        assertThatThrownBy(() -> Labels.read(f)).isInstanceOf(UserFacingException.class).hasMessageContaining(message)
                .hasMessageStartingWith(f.toString());
    }
}
