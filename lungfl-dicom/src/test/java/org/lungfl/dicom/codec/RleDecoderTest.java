package org.lungfl.dicom.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.lungfl.dicom.codec.EncoderFixtures.masked;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

class RleDecoderTest {
    private final RleDecoder decoder = new RleDecoder();

    @TestFactory
    Stream<DynamicTest> decodesWhatDcmtkAndGdcmEncode() throws Exception {
        return EncoderFixtures.cases("rle").stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            int[] ours = decoder.decode(c.frameBytes(), c.descriptor());
            assertThat(masked(ours, c.descriptor().bitsStored())).as("decode of %s", c).isEqualTo(c.expectedSamples());
        }));
    }
}
