package org.lungfl.dicom.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.lungfl.dicom.DicomException;
import org.lungfl.dicom.Fixtures;
import org.lungfl.dicom.codec.Codecs;
import org.lungfl.dicom.inspect.DicomInspection;

/**
 * The core requirement: our decoded HU agree with an independent decoder (pydicom, with
 * DCMTK or GDCM decompressing the JPEG family) bit for bit on every lossless fixture and within
 * 1 HU in mean on lossy ones. The reference is src/test/python/hu_reference.py, run live.
 */
class AgreesWithPydicomTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, JsonNode> reference = new HashMap<>();
    private static String missing;

    @BeforeAll
    static void runReference() throws IOException, InterruptedException {
        for (String tool : List.of("dcmdjpeg", "dcmdjpls", "gdcmconv"))
            if (!Fixtures.hasTool(tool)) missing = tool + " is not installed (Debian dcmtk / libgdcm-tools)";
        if (!Fixtures.hasPydicom()) missing = "/usr/bin/python3 with pydicom and numpy is not installed (python3-pydicom)";
        if (missing != null) return;
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", Path.of("src/test/python/hu_reference.py").toAbsolutePath().toString()));
        for (Path p : Fixtures.valid()) cmd.add(p.toString());
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("reference finished").isTrue();
        for (String line : out.split("\n")) {
            if (line.isBlank()) continue;
            JsonNode n = JSON.readTree(line);
            reference.put(Path.of(n.get("path").asText()).getFileName().toString(), n);
        }
    }

    static Stream<Path> validFixtures() {
        return Fixtures.valid().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validFixtures")
    void huAgreeWithIndependentDecoder(Path file) throws Exception {
        assumeTrue(missing == null, () -> "reference decoder unavailable: " + missing);
        TransferSyntax ts = TransferSyntax.of(DicomReader.read(file).transferSyntaxUid()).orElseThrow();
        assumeTrue(!ts.encapsulated() || Codecs.decoderFor(ts).isPresent(),
                () -> "no decoder for " + ts + " yet (everyEncapsulatedSyntaxHasADecoder fails until it lands)");
        JsonNode ref = reference.get(file.getFileName().toString());
        assertThat(ref).as("reference output for %s", file).isNotNull();
        assertThat(ref.has("error")).as("reference error: %s", ref.path("error").asText()).isFalse();

        DicomInspection ours = DicomInspection.of(file);
        assertThat(ours.error()).isNull();
        JsonNode our = JSON.readTree(ours.toJsonLine());
        for (String key : List.of("TransferSyntaxUID", "Rows", "Columns", "NumberOfFrames", "BitsAllocated", "BitsStored",
                "PixelRepresentation", "PhotometricInterpretation"))
            assertThat(our.get(key).asText()).as(key).isEqualTo(ref.get(key).asText());
        assertThat(our.get("RescaleSlope").asDouble()).isEqualTo(ref.get("RescaleSlope").asDouble());
        assertThat(our.get("RescaleIntercept").asDouble()).isEqualTo(ref.get("RescaleIntercept").asDouble());
        double mean = ref.get("hu_mean").asDouble();
        if (ts.lossy()) {
            assertThat(our.get("hu_mean").asDouble()).as("lossy: mean HU within 1 of %s", ref.get("decoder").asText())
                    .isCloseTo(mean, within(1.0));
        } else {
            assertThat(our.get("hu_sha256").asText()).as("bit for bit with " + ref.get("decoder").asText())
                    .isEqualTo(ref.get("hu_sha256").asText());
            assertThat(our.get("hu_sum").asLong()).isEqualTo(ref.get("hu_sum").asLong());
            assertThat(our.get("hu_min").asDouble()).isEqualTo(ref.get("hu_min").asDouble());
            assertThat(our.get("hu_max").asDouble()).isEqualTo(ref.get("hu_max").asDouble());
            assertThat(our.get("hu_mean").asDouble()).isCloseTo(mean, within(1e-9 * Math.max(1, Math.abs(mean))));
        }
    }

    @Test
    void fixturesCoverEveryTransferSyntax() throws DicomException {
        Set<TransferSyntax> seen = EnumSet.noneOf(TransferSyntax.class);
        for (Path p : Fixtures.valid()) seen.add(TransferSyntax.of(DicomReader.read(p).transferSyntaxUid()).orElseThrow());
        assertThat(seen).containsExactlyInAnyOrder(TransferSyntax.values());
    }

    @Test
    void everyEncapsulatedSyntaxHasADecoder() {
        for (TransferSyntax ts : TransferSyntax.values())
            if (ts.encapsulated()) assertThat(Codecs.decoderFor(ts)).as("decoder for " + ts).isPresent();
    }
}
