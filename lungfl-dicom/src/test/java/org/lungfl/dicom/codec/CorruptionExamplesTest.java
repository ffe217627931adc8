package org.lungfl.dicom.codec;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.lungfl.dicom.codec.JpegFixtures.Case;

/**
 * The corrupt streams of issue 12, point 6, that decoded to plausible images before (the JPEG
 * 2000 plugin and TwelveMonkeys filled the image); each must now be refused with its reason.
 * CodecMutationTest covers the same classes of damage over every codec at random.
 */
class CorruptionExamplesTest {
    private static Case committed(String name, String... syntaxes) throws IOException {
        return JpegFixtures.committed(syntaxes).filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    private static int find(byte[] d, int marker) {
        for (int i = 0; i + 1 < d.length; i++) if ((d[i] & 0xFF) == marker >> 8 && (d[i + 1] & 0xFF) == (marker & 0xFF)) return i;
        throw new AssertionError(String.format("marker %04X not found", marker));
    }

    private static byte[] insert(byte[] d, int at, byte[] extra) {
        byte[] out = Arrays.copyOf(d, d.length + extra.length);
        System.arraycopy(extra, 0, out, at, extra.length);
        System.arraycopy(d, at, out, at + extra.length, d.length - at);
        return out;
    }

    @Test
    void jpeg2000TilePartWhoseSotLengthIsWrongIsRefused() throws IOException {
        for (Case c : new Case[] {committed("opj_j2k_p10_bs12_24x20", JpegFixtures.J2K_LOSSLESS), committed("gdcm_j2k_lossy_u12_40x24", JpegFixtures.J2K)}) {
            for (int length : new int[] {0xFFF0, 2}) {
                byte[] d = c.codestream().clone();
                int sot = find(d, 0xFF90);
                d[sot + 2] = (byte) (length >> 8);
                d[sot + 3] = (byte) length;
                assertThatThrownBy(() -> new Jpeg2000Decoder().decode(d, c.descriptor())).as(c.name() + ", Lsot " + length)
                        .isInstanceOf(CodecException.class).hasMessageContaining("SOT segment").hasMessageContaining("10 expected");
            }
        }
    }

    @Test
    void jpegLosslessWithDuplicatedHuffmanTableBytesIsRefused() throws IOException {
        Case c = committed("dcmtk_lossless_p6_s12_29x19", JpegFixtures.LOSSLESS);
        int dht = find(c.codestream(), 0xFFC4);
        byte[] d = insert(c.codestream(), dht, Arrays.copyOfRange(c.codestream(), dht, dht + 40));
        assertThatThrownBy(() -> new JpegLosslessDecoder().decode(d, c.descriptor())).isInstanceOf(CodecException.class);
    }

    @Test
    void jpegLosslessWithADuplicatedScanIsRefused() throws IOException {
        Case c = committed("dcmtk_lossless_p6_s12_29x19", JpegFixtures.LOSSLESS);
        byte[] s = c.codestream();
        int sos = find(s, 0xFFDA);
        int length = (s[sos + 2] & 0xFF) << 8 | (s[sos + 3] & 0xFF);
        byte[] d = insert(s, sos, Arrays.copyOfRange(s, sos, sos + 2 + length));
        assertThatThrownBy(() -> new JpegLosslessDecoder().decode(d, c.descriptor())).isInstanceOf(CodecException.class);
        // and the whole scan (header and entropy-coded data) twice
        int eoi = s.length - 2;
        byte[] twice = insert(s, eoi, Arrays.copyOfRange(s, sos, eoi));
        assertThatThrownBy(() -> new JpegLosslessDecoder().decode(twice, c.descriptor())).isInstanceOf(CodecException.class)
                .hasMessageContaining("scanned twice");
    }

    @Test
    void jpegLosslessFragmentCutToTwoBytesIsRefused() throws IOException {
        Case c = committed("dcmtk_lossless_p6_s12_29x19", JpegFixtures.LOSSLESS);
        // the frame's fragments joined, the middle one cut to 2 bytes
        byte[] s = c.codestream();
        int third = s.length / 3;
        byte[] d = new byte[s.length - third + 2];
        System.arraycopy(s, 0, d, 0, third);
        System.arraycopy(s, third, d, third, 2);
        System.arraycopy(s, 2 * third, d, third + 2, s.length - 2 * third);
        assertThatThrownBy(() -> new JpegLosslessDecoder().decode(d, c.descriptor())).isInstanceOf(CodecException.class);
        assertThatThrownBy(() -> new JpegLosslessDecoder().decode(Arrays.copyOf(s, 2), c.descriptor())).isInstanceOf(CodecException.class);
    }
}
