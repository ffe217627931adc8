package org.lungfl.dicom.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lungfl.dicom.codec.JpegFixtures.Case;

/** The importer shares one decoder instance between its threads. */
class JpegConcurrencyTest {
    static Stream<Arguments> decoders() throws IOException {
        return Stream.of(
                Arguments.of(new JpegDecoder(), JpegFixtures.committed(JpegFixtures.EXTENDED, JpegFixtures.BASELINE).toList()),
                Arguments.of(new JpegLosslessDecoder(), JpegFixtures.committed(JpegFixtures.LOSSLESS).toList()),
                Arguments.of(new Jpeg2000Decoder(), JpegFixtures.committed(JpegFixtures.J2K).toList()));
    }

    @ParameterizedTest
    @MethodSource("decoders")
    void oneInstanceDecodesOnManyThreadsAtOnce(FrameDecoder decoder, List<Case> cases) throws Exception {
        List<int[]> expected = new ArrayList<>();
        for (Case c : cases) expected.add(decoder.decode(c.codestream(), c.descriptor()));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int task = 0; task < 40; task++) {
                int i = task % cases.size();
                results.add(pool.submit(() -> java.util.Arrays.equals(decoder.decode(cases.get(i).codestream(), cases.get(i).descriptor()), expected.get(i))));
            }
            for (Future<Boolean> r : results) assertThat(r.get()).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }
}
