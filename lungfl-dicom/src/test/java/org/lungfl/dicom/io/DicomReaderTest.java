package org.lungfl.dicom.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.lungfl.dicom.DicomException;
import org.lungfl.dicom.Fixtures;
import org.lungfl.dicom.codec.ImageDescriptor;

class DicomReaderTest {

    @Test
    void headerAttributesOfACtSlice() throws Exception {
        DicomFile f = DicomReader.read(Fixtures.file("ct_u12.dcm"));
        assertThat(f.transferSyntaxUid()).isEqualTo("1.2.840.10008.1.2.1");
        assertThat(f.sopClassUid()).isEqualTo("1.2.840.10008.5.1.4.1.1.2");
        assertThat(f.modality()).isEqualTo("CT");
        assertThat(f.instanceNumber()).isEqualTo(7);
        assertThat(f.imagePositionPatient()).containsExactly(-160.0, -158.5, -42.25);
        assertThat(f.imageOrientationPatient()).containsExactly(1, 0, 0, 0, 1, 0);
        assertThat(f.pixelSpacing()).containsExactly(0.703125, 0.703125);
        assertThat(f.sliceThickness()).isEqualTo(1.25);
        assertThat(f.gantryTilt()).isNaN();
        assertThat(f.rescaleSlope()).isEqualTo(1.0);
        assertThat(f.rescaleIntercept()).isEqualTo(-1024.0);
        assertThat(f.pixelPaddingValue()).isEmpty();
        assertThat(f.numberOfFrames()).isEqualTo(1);
        assertThat(f.imageDescriptor()).isEqualTo(new ImageDescriptor(64, 64, 1, 16, 12, 11, 0, "MONOCHROME2", 0));
    }

    /** The same data set in six encodings reads to the same header and the same pixels. */
    @ParameterizedTest
    @ValueSource(strings = {"ct_s16_implicit.dcm", "ct_s16_bigendian.dcm", "ct_s16_deflated_dcmtk.dcm", "ct_s16_undefined_lengths.dcm",
            "ct_s16_implicit_undefined_lengths.dcm", "raw_implicit_dataset.dcm", "raw_explicit_dataset.dcm", "meta_no_preamble.dcm"})
    void everyNativeEncodingReadsTheSameAsExplicitLittleEndian(String name) throws Exception {
        DicomFile reference = DicomReader.read(Fixtures.file("ct_s16.dcm"));
        DicomFile f = DicomReader.read(Fixtures.file(name));
        assertThat(f.imageDescriptor()).isEqualTo(reference.imageDescriptor());
        assertThat(f.imagePositionPatient()).containsExactly(reference.imagePositionPatient());
        assertThat(f.seriesInstanceUid()).isEqualTo(reference.seriesInstanceUid());
        assertThat(f.storedFrame(0)).containsExactly(reference.storedFrame(0));
    }

    /** Nested, private and undefined-length sequences parse into items in every encoding, implicit VR included. */
    @ParameterizedTest
    @ValueSource(strings = {"ct_s16.dcm", "ct_s16_implicit.dcm", "ct_s16_bigendian.dcm", "ct_s16_undefined_lengths.dcm",
            "ct_s16_implicit_undefined_lengths.dcm", "ct_s16_deflated_dcmtk.dcm"})
    void sequencesAreParsedIntoItems(String name) throws Exception {
        DicomObject ds = DicomReader.readDataset(Files.readAllBytes(Fixtures.file(name)), null);
        List<DicomObject> refs = ds.items(0x00081140);
        assertThat(refs).hasSize(2);
        assertThat(refs.get(1).string(0x00081155)).endsWith(".91");
        DicomObject request = ds.items(0x00400275).get(0);
        assertThat(request.items(0x00400008).get(0).string(0x00080100)).isEqualTo("LUNG");
        assertThat(ds.items(0x00091002).get(0).string(0x00091010)).isEqualTo("PRIVATE ITEM");
        assertThat(ds.bytes(0x00091001)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    }

    @Test
    void highBitsAreMaskedAndSignExtendedFromBitsStored() throws Exception {
        int[] unsigned = DicomReader.read(Fixtures.file("ct_u12_highbits.dcm")).storedFrame(0);
        int[] signed = DicomReader.read(Fixtures.file("ct_s12_highbits.dcm")).storedFrame(0);
        assertThat(Arrays.stream(unsigned).min().getAsInt()).isGreaterThanOrEqualTo(0);
        assertThat(Arrays.stream(unsigned).max().getAsInt()).isLessThanOrEqualTo(4095);
        // Air at -1000 HU must come out negative although bits 12..15 hold garbage, not the sign.
        assertThat(Arrays.stream(signed).min().getAsInt()).isBetween(-2048, -900);
        assertThat(Arrays.stream(signed).max().getAsInt()).isBetween(900, 2047);
    }

    @Test
    void monochrome1AndPaddingDoNotChangeTheModalityLut() throws Exception {
        DicomFile f = DicomReader.read(Fixtures.file("ct_s16_mono1_padding.dcm"));
        assertThat(f.imageDescriptor().photometricInterpretation()).isEqualTo("MONOCHROME1");
        assertThat(f.pixelPaddingValue()).hasValue(-2000);
        int[] stored = f.storedFrame(0);
        float[] hu = f.huFrame(0);
        assertThat(Arrays.stream(stored).filter(v -> v == -2000).count()).isGreaterThan(100);
        for (int i = 0; i < stored.length; i++) assertThat(hu[i]).isEqualTo((float) stored[i]);
    }

    @Test
    void huAppliesSlopeAndIntercept() throws Exception {
        DicomFile f = DicomReader.read(Fixtures.file("ct_u16_slope.dcm"));
        assertThat(f.rescaleSlope()).isEqualTo(0.5);
        int[] stored = f.storedFrame(0);
        float[] hu = f.huFrame(0);
        for (int i = 0; i < stored.length; i++) assertThat(hu[i]).isEqualTo(stored[i] * 0.5f - 1024f);
    }

    /** huFrame has fast paths (16-bit straight from the bytes, integer intercepts); each must equal the formula. */
    @ParameterizedTest
    @MethodSource("org.lungfl.dicom.Fixtures#valid")
    void huFrameIsStoredTimesSlopePlusIntercept(Path file) throws Exception {
        DicomFile f = DicomReader.read(file);
        for (int frame = 0; frame < f.numberOfFrames(); frame++) {
            int[] stored = f.storedFrame(frame);
            float[] hu = f.huFrame(frame);
            assertThat(hu).hasSameSizeAs(stored);
            for (int i = 0; i < stored.length; i++)
                if (hu[i] != (float) (stored[i] * f.rescaleSlope() + f.rescaleIntercept()))
                    throw new AssertionError(file.getFileName() + " frame " + frame + " pixel " + i + ": " + hu[i]);
        }
    }

    @Test
    void eightAndThirtyTwoBitSamples() throws Exception {
        DicomFile u8 = DicomReader.read(Fixtures.file("ct_u8.dcm"));
        assertThat(u8.storedFrame(0)).containsExactly(DicomReader.read(Fixtures.file("ct_u8_bigendian.dcm")).storedFrame(0));
        assertThat(Arrays.stream(u8.storedFrame(0)).max().getAsInt()).isBetween(200, 255);
        DicomFile s32 = DicomReader.read(Fixtures.file("ct_s32.dcm"));
        assertThat(s32.imageDescriptor().bitsAllocated()).isEqualTo(32);
        assertThat(Arrays.stream(s32.storedFrame(0)).min().getAsInt()).isBetween(-1300, -900);
    }

    @Test
    void multiFrameNativeAndBigEndianAgreeFrameByFrame() throws Exception {
        DicomFile le = DicomReader.read(Fixtures.file("ct_u12_4f.dcm"));
        DicomFile be = DicomReader.read(Fixtures.file("ct_u12_4f_bigendian.dcm"));
        assertThat(le.numberOfFrames()).isEqualTo(4);
        for (int i = 0; i < 4; i++) assertThat(be.storedFrame(i)).containsExactly(le.storedFrame(i));
        assertThat(le.storedFrame(0)).isNotEqualTo(le.storedFrame(3));
    }

    /** The same codestreams, split over several fragments with and without an offset table, give the same frames. */
    @ParameterizedTest
    @ValueSource(strings = {
        "jpeg70_u12_4f_bot_dcmtk.dcm|jpeg70_u12_4f_split_bot_dcmtk.dcm",
        "jpeg70_u12_4f_bot_dcmtk.dcm|jpeg70_u12_4f_split_nobot_dcmtk.dcm",
        "j2k90_u12_4f_gdcm.dcm|j2k90_u12_4f_split_bot.dcm",
        "j2k90_u12_4f_gdcm.dcm|j2k90_u12_4f_split_nobot.dcm",
        "jpegls80_u12_4f_gdcm.dcm|jpegls80_u12_4f_split_nobot.dcm"})
    void fragmentedFramesAreReassembled(String pair) throws Exception {
        String[] names = pair.split("\\|");
        EncapsulatedFrames whole = frames(names[0]), split = frames(names[1]);
        for (int i = 0; i < 4; i++) assertThat(split.frameBytes(i)).as("frame " + i).isEqualTo(whole.frameBytes(i));
        assertThat(whole.frameBytes(0)).isNotEqualTo(whole.frameBytes(1));
    }

    private static EncapsulatedFrames frames(String name) throws DicomException {
        return (EncapsulatedFrames) ((ParsedDicomFile) DicomReader.read(Fixtures.file(name))).pixels();
    }

    @Test
    void encapsulatedSyntaxWithoutDecoderSaysSo() throws Exception {
        DicomFile f = DicomReader.read(Fixtures.file("jpeg70_s16_dcmtk.dcm"));
        assertThat(f.imageDescriptor().bitsStored()).isEqualTo(16);
        if (org.lungfl.dicom.codec.Codecs.decoderFor(TransferSyntax.JPEG_LOSSLESS_SV1).isEmpty())
            assertThat(catchThrowableOfType(DicomException.class, () -> f.storedFrame(0)))
                    .hasMessageContaining("transfer syntax 1.2.840.10008.1.2.4.70 (JPEG_LOSSLESS_SV1): no decoder");
    }

    @Test
    void trailingZeroPaddingIsNotAnElement() throws Exception {
        byte[] b = Files.readAllBytes(Fixtures.file("ct_s16.dcm"));
        byte[] padded = Arrays.copyOf(b, b.length + 11);
        assertThat(DicomReader.read(padded, null).storedFrame(0)).containsExactly(DicomReader.read(b, null).storedFrame(0));
        padded[b.length + 5] = 1; // not all zeros: an element, and a broken one
        assertThat(catchThrowableOfType(DicomException.class, () -> DicomReader.read(padded, null)))
                .hasMessage("<stream>: invalid VR '0x0001' of element (0000,0000) at byte " + b.length);
    }

    @Test
    void readsFromMemoryWithoutAName() throws Exception {
        byte[] bytes = Files.readAllBytes(Fixtures.file("ct_s16.dcm"));
        assertThat(DicomReader.read(bytes, null).numberOfFrames()).isEqualTo(1);
        assertThat(catchThrowableOfType(DicomException.class, () -> DicomReader.read(new byte[0], null))).hasMessage("<stream>: empty file");
        assertThat(DicomReader.read(bytes, Path.of("x.dcm")).path()).isEqualTo(Path.of("x.dcm"));
    }
}
