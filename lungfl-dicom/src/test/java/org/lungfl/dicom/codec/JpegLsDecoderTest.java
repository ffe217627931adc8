package org.lungfl.dicom.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.lungfl.dicom.codec.EncoderFixtures.masked;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

class JpegLsDecoderTest {
    private final JpegLsDecoder decoder = new JpegLsDecoder();

    @TestFactory
    Stream<DynamicTest> decodesWhatDcmtkAndGdcmEncode() throws Exception {
        return EncoderFixtures.cases("jpegls").stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            ImageDescriptor d = c.descriptor();
            if (c.rejectedByOthers()) {
                assertThatThrownBy(() -> decoder.decode(c.frameBytes(), d))
                        .as("%s: neither DCMTK nor GDCM can decode it", c).isInstanceOf(CodecException.class);
                return;
            }
            int[] ours = masked(decoder.decode(c.frameBytes(), d), d.bitsStored());
            int[] original = c.expectedSamples();
            if (c.near() == 0) {
                assertThat(ours).as("lossless decode of %s", c).isEqualTo(original);
                return;
            }
            assertThat(ours).as("decode of %s equals the independent decoder's", c).isEqualTo(c.referenceSamples());
            // Distance modulo 2^BitsStored: GDCM codes 12-bit data with P=16, so 4095 may come back
            // as 4096, which is 0 once the pipeline masks to 12 bits.
            int modulus = 1 << d.bitsStored();
            for (int i = 0; i < ours.length; i++) {
                int diff = Math.floorMod(ours[i] - original[i], modulus);
                assertThat(Math.min(diff, modulus - diff)).as("error of sample %d of %s", i, c)
                        .isLessThanOrEqualTo(c.near());
            }
        }));
    }
}
