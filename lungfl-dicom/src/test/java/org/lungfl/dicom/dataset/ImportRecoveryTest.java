package org.lungfl.dicom.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.dicom.io.DicomReader;
import org.lungfl.dicom.series.DicomSource;
import org.lungfl.dicom.write.CtImage;
import org.lungfl.dicom.write.CtImageWriter;
import org.lungfl.dicom.write.Uids;
import org.lungfl.dicom.io.TransferSyntax;

/**
 * Issue 12, points 7–9 as the importer sees them: a killed import is resumed from the volumes it
 * finished; FIFOs, sockets, link loops and slices whose Pixel Data does not fit their header cost
 * only themselves and are listed with the reason.
 */
class ImportRecoveryTest {
    @TempDir Path tmp;
    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** What a SIGKILL does to the importer: it stops wherever it is, nothing after that runs. */
    private static final class Killed extends Error {
        Killed() {
            super("simulated SIGKILL");
        }
    }

    static FederationPlan plan() {
        FederationPlan wv = FederationPlan.preset("whole-volume");
        var pre = new FederationPlan.Preprocess(new double[] {2.0, 2.0, 2.0}, new int[] {8, 16, 16}, new double[] {-1000, 400}, 0.25);
        return new FederationPlan("test", wv.architecture(), wv.seed(), pre, null, null, wv.train(), wv.aggregation());
    }

    /** A 32×32 axial series of {@code slices} slices at 2 mm in {@code folder}, PatientID {@code id}. */
    static void series(Path folder, String id, int slices) throws IOException {
        Files.createDirectories(folder);
        CtImageWriter writer = new CtImageWriter(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        String base = "lungfl/test/import-recovery/" + id;
        CtImage.Series meta = new CtImage.Series("TEST^" + id, id, "O", Uids.fromName(base + "/study"), Uids.fromName(base + "/series"),
                Uids.fromName(base + "/for"), "1", "", "20260101", "120000", 1, "test", "test axial", "LungFL", "synthetic",
                "LungFL", 120, 32, 32, new double[] {1, 1}, 2, 2, new double[] {1, 0, 0, 0, 1, 0}, false, 12, -1024, 1, -600, 1500);
        for (int z = 0; z < slices; z++) {
            short[] px = new short[32 * 32];
            for (int i = 0; i < px.length; i++) px[i] = (short) (Math.hypot(i % 32 - 16, i / 32 - 16) < 12 ? 1064 : 24);
            writer.write(new CtImage(meta, Uids.fromName(base + "/" + z), z + 1, new double[] {-16, -16, z * 2.0}, z * 2.0, px),
                    folder.resolve("IM" + z));
        }
    }

    private DatasetImporter.Summary run(DicomSource source, Path dicom, Path labels, Path cache) {
        return new DatasetImporter(plan(), source, pool).run(dicom, labels, cache, DatasetImporter.Listener.NONE);
    }

    @Test
    void aKilledImportIsResumedFromTheVolumesItFinished() throws Exception {
        Path dicom = tmp.resolve("dicom");
        for (String p : new String[] {"a", "b", "c"}) series(dicom.resolve(p), "ID-" + p, 4);
        // PatientID labels: the cache keys are salted hashes, so the salt must survive the kill too
        Path labels = Files.writeString(tmp.resolve("labels.csv"), "PatientID,label\nID-a,1\nID-b,0\nID-c,1\n");
        Path cache = tmp.resolve("cache");

        DicomSource killedAtC = f -> {
            if (f.startsWith(dicom.resolve("c"))) throw new Killed();
            return DicomReader.read(f);
        };
        assertThatThrownBy(() -> run(killedAtC, dicom, labels, cache)).isInstanceOf(Killed.class);
        // the state a kill leaves: two volumes written, the manifest not yet saved with them
        assertThat(Manifest.read(cache).patients()).isEmpty();
        try (var files = Files.list(cache)) {
            assertThat(files.filter(p -> p.toString().endsWith(".npy")).count()).isEqualTo(2);
        }

        DatasetImporter.Summary rerun = run(DicomReader::read, dicom, labels, cache);
        assertThat(rerun.alreadyDone()).as("volumes finished before the kill are reused").hasSize(2);
        assertThat(rerun.imported()).hasSize(1);
        assertThat(Manifest.read(cache).patients()).hasSize(3);

        // a sidecar describes only the volume beside it: another preprocessing redoes everything
        FederationPlan other = plan();
        var pre = new FederationPlan.Preprocess(new double[] {2.0, 4.0, 4.0}, new int[] {8, 8, 8}, new double[] {-1000, 400}, 0.25);
        other = new FederationPlan("other", other.architecture(), other.seed(), pre, null, null, other.train(), other.aggregation());
        DatasetImporter.Summary replanned = new DatasetImporter(other, DicomReader::read, pool).run(dicom, labels, cache,
                DatasetImporter.Listener.NONE);
        assertThat(replanned.alreadyDone()).isEmpty();
        assertThat(replanned.imported()).hasSize(3);
    }

    @Test
    void hostileFilesInAPatientFolderCostOnlyThemselvesAndAreListed() throws Exception {
        Path dicom = tmp.resolve("dicom");
        Path patient = dicom.resolve("p1");
        series(patient, "ID-1", 5);
        // surplus Pixel Data: Rows 32 → 8 leaves 3/4 of the bytes unexplained
        Path shrunk = patient.resolve("IM4");
        byte[] b = Files.readAllBytes(shrunk);
        int rows = indexOf(b, new byte[] {0x28, 0x00, 0x10, 0x00, 'U', 'S', 0x02, 0x00, 32, 0});
        b[rows + 8] = 8;
        Files.write(shrunk, b);
        Path fifo = patient.resolve("fifo");
        assumeTrue(mkfifo(fifo), "mkfifo is not available");
        Path socket = patient.resolve("socket");
        ServerSocketChannel server = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.createSymbolicLink(patient.resolve("loop1"), patient.resolve("loop2"));
        Files.createSymbolicLink(patient.resolve("loop2"), patient.resolve("loop1"));
        Path labels = Files.writeString(tmp.resolve("labels.csv"), "id,cancer\np1,1\n");
        try {
            DatasetImporter.Summary s = run(DicomReader::read, dicom, labels, tmp.resolve("cache"));
            assertThat(s.imported()).hasSize(1);
            assertThat(s.imported().get(0).originalShape()).containsExactly(4, 32, 32);
            Map<Path, String> unreadable = s.unreadableFiles();
            assertThat(unreadable).containsOnlyKeys(shrunk, fifo, socket, patient.resolve("loop1"), patient.resolve("loop2"));
            assertThat(unreadable.get(shrunk)).startsWith(shrunk.toString()).contains("surplus bytes").contains("slice skipped");
            assertThat(unreadable.get(fifo)).isEqualTo(fifo + ": is a FIFO (named pipe), not a regular file (skipped)");
            assertThat(unreadable.get(socket)).contains("is a socket");
            assertThat(unreadable.get(patient.resolve("loop1"))).contains("symbolic link loop");
        } finally {
            server.close();
        }
    }

    static boolean mkfifo(Path path) throws InterruptedException {
        try {
            Process p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        throw new AssertionError("pattern not found");
    }
}
