package org.lungfl.dicom.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.dicom.Fixtures;
import org.lungfl.dicom.inspect.DicomInspection;

/**
 * Issue 12, points 7 and 8: files that are not what their header says, or not files at all.
 * Nothing here may hang, run out of memory or cost more than the one file.
 */
class HostileFilesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Just under the 2 GB a DICOM file may have here: a sparse file, so it costs no disk. */
    private static final long HUGE = 1_900L << 20;

    @TempDir Path tmp;

    @Test
    void pixelDataLongerThanTheHeaderSaysIsAWarning() throws Exception {
        byte[] b = Files.readAllBytes(Fixtures.file("ct_s16.dcm")); // 64 x 64 x 16 bits, 8192 bytes of Pixel Data
        b[rowsValue(b)] = 8;
        Path shrunk = Files.write(tmp.resolve("rows8.dcm"), b);
        DicomFile f = DicomReader.read(shrunk);
        assertThat(f.pixelDataMismatch()).isEqualTo("Pixel Data holds 8192 bytes but 1 frame(s) of 8x64x16 bits need 1024: "
                + "7168 surplus bytes (the header and the data disagree)");
        JsonNode json = JSON.readTree(DicomInspection.of(shrunk).toJsonLine());
        assertThat(json.get("Rows").asInt()).isEqualTo(8);
        assertThat(json.get("warnings")).hasSize(1);
        assertThat(json.get("warnings").get(0).asText()).contains("7168 surplus bytes");

        // a clean file has an empty list, so a consumer can rely on the field
        assertThat(JSON.readTree(DicomInspection.of(Fixtures.file("ct_s16.dcm")).toJsonLine()).get("warnings")).isEmpty();
    }

    @Test
    void aFifoNamedOnTheCommandLineIsRefusedWithoutOpeningIt() throws Exception {
        Path fifo = tmp.resolve("pipe.dcm");
        assumeTrue(mkfifo(fifo), "mkfifo is not available");
        DicomInspection i = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> DicomInspection.of(fifo),
                "opening a FIFO blocks until a writer comes");
        assertThat(i.error()).isEqualTo(fifo + ": is a FIFO (named pipe), not a regular file");
    }

    @Test
    void aFolderListsWhatItSkipsAndWhy() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("study/series"));
        Path good = Files.copy(Fixtures.file("ct_s16.dcm"), dir.resolve("IM1"));
        Path fifo = dir.resolve("fifo");
        assumeTrue(mkfifo(fifo), "mkfifo is not available");
        Path link = Files.createSymbolicLink(dir.resolve("IM2"), good);
        Files.createSymbolicLink(dir.resolve("loopA"), dir.resolve("loopB"));
        Files.createSymbolicLink(dir.resolve("loopB"), dir.resolve("loopA"));
        Files.createSymbolicLink(dir.resolve("broken"), dir.resolve("nowhere"));
        Files.createSymbolicLink(dir.resolve("up"), tmp.resolve("study")); // a cycle if it were followed
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(dir.resolve("sock")));
            FolderListing l = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> FolderListing.of(tmp.resolve("study")));
            assertThat(l.files()).containsExactly(good, link);
            assertThat(l.skipped()).containsOnlyKeys(fifo, dir.resolve("loopA"), dir.resolve("loopB"), dir.resolve("broken"),
                    dir.resolve("up"), dir.resolve("sock"));
            assertThat(l.skipped().get(fifo)).isEqualTo("is a FIFO (named pipe), not a regular file");
            assertThat(l.skipped().get(dir.resolve("loopA"))).startsWith("is a symbolic link loop");
            assertThat(l.skipped().get(dir.resolve("broken"))).isEqualTo("is a broken symbolic link");
            assertThat(l.skipped().get(dir.resolve("up"))).isEqualTo("is a symbolic link to a folder (not followed)");
            assertThat(l.skipped().get(dir.resolve("sock"))).isEqualTo("is a socket, not a regular file");
        }
        // A patient folder that is itself a link (an export of links into the archive) is read; the link
        // to a folder inside it still is not followed.
        Path linkedStudy = Files.createSymbolicLink(tmp.resolve("linked-study"), tmp.resolve("study"));
        FolderListing viaLink = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> FolderListing.of(linkedStudy));
        assertThat(viaLink.files()).hasSize(2).allSatisfy(f -> assertThat(f.getFileName().toString()).isIn("IM1", "IM2"));
        assertThat(viaLink.skipped().values()).contains("is a symbolic link to a folder (not followed)");
    }

    /**
     * A valid header whose Pixel Data claims 1.9 GiB of zeros, and a valid file followed by 1.9
     * GiB of zeros: read in a JVM with a 64 MB heap, where reading either whole would end in an
     * OutOfMemoryError. Both are read, with a warning saying what was ignored.
     */
    @Test
    void nearly2GbFilesAreReadInASmallHeap() throws Exception {
        byte[] b = Files.readAllBytes(Fixtures.file("ct_s16.dcm"));
        int value = indexOf(b, new byte[] {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'W', 0, 0}) + 12;
        Path hugePixels = tmp.resolve("huge_pixel_data.dcm");
        try (RandomAccessFile f = new RandomAccessFile(hugePixels.toFile(), "rw")) {
            byte[] header = Arrays.copyOf(b, value);
            long length = HUGE - value;
            for (int i = 0; i < 4; i++) header[value - 4 + i] = (byte) (length >>> (8 * i));
            f.write(header);
            f.setLength(HUGE);
        }
        Path trailingZeros = tmp.resolve("trailing_zeros.dcm");
        try (RandomAccessFile f = new RandomAccessFile(trailingZeros.toFile(), "rw")) {
            f.write(b);
            f.setLength(HUGE);
        }
        Path other = Files.copy(Fixtures.file("ct_s16.dcm"), tmp.resolve("ordinary.dcm"));

        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"), InspectFiles.class.getName(),
                hugePixels.toString(), trailingZeros.toString(), other.toString()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.strip().split("\n")) lines.add(JSON.readTree(line));
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0).has("error")).as(out).isFalse();
        assertThat(lines.get(0).get("warnings").get(0).asText()).contains("surplus bytes");
        assertThat(lines.get(0).get("hu_max").asDouble()).as("the frame is the first 8192 bytes of zeros").isZero();
        assertThat(lines.get(1).get("warnings").get(0).asText()).contains("bytes after the data set");
        for (JsonNode line : lines.subList(1, 3)) {
            assertThat(line.get("hu_sha256").asText()).as(line.toString())
                    .isEqualTo(JSON.readTree(DicomInspection.of(Fixtures.file("ct_s16.dcm")).toJsonLine()).get("hu_sha256").asText());
        }
    }

    /** Runs {@code DicomInspection} on each argument in its own JVM, one JSON line each. */
    public static final class InspectFiles {
        public static void main(String[] args) {
            for (String a : args) System.out.println(DicomInspection.of(Path.of(a)).toJsonLine());
        }
    }

    private static int rowsValue(byte[] b) {
        return indexOf(b, new byte[] {0x28, 0x00, 0x10, 0x00, 'U', 'S', 0x02, 0x00}) + 8;
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
