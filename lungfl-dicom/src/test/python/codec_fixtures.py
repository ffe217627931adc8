#!/usr/bin/python3
"""Codestreams from independent encoders for the RLE and JPEG-LS decoder tests.

Usage: codec_fixtures.py OUTDIR [CASE...]

With CASE names, only those cases are kept, and lossless ones get as EXPECTED the other tool's
decode (checked equal to the original): that is how the small fixtures committed under
src/test/resources/org/lungfl/dicom/codec/rle-jpegls/ were made, for machines without the tools:
  codec_fixtures.py src/test/resources/org/lungfl/dicom/codec/rle-jpegls s16_24x20.dcmcjpls \
      s16_24x20.dcmcrle u12_24x20.gdcm-jls-near2 rgb8_12x10.dcmcjpls-ilv2

Writes small uncompressed DICOM images with synthetic CT-like content, compresses them with
DCMTK (dcmcrle, dcmcjpls) and GDCM (gdcmconv), extracts each frame's codestream with pydicom and
writes OUTDIR/manifest.tsv, one line per case:

  case NAME CODEC ROWS COLUMNS SPP BITS_ALLOCATED BITS_STORED PIXEL_REP NEAR FRAME EXPECTED REFERENCE

FRAME is the codestream; EXPECTED the original samples and REFERENCE (near-lossless only, else
"-") an independent decoder's output (dcmdjpls, or gdcmconv --raw for DCMTK-made streams), both as int32
little-endian bit patterns masked to BitsStored. REFERENCE is "rejected" when neither DCMTK nor
GDCM can decode the stream. A tool that is not installed gives a line
"missing TOOL"; any other tool failure stops the script with a non-zero exit.
"""
import os
import shutil
import subprocess
import sys

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import generate_pixel_data_frame
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

RNG = np.random.default_rng(20261128)


def ct_like(rows, cols, lo, hi):
    """Air outside a body ellipse (a constant run), soft tissue with noise, a bone edge, extremes."""
    y, x = np.mgrid[0:rows, 0:cols]
    cy, cx = (rows - 1) / 2, (cols - 1) / 2
    body = ((y - cy) / max(rows * 0.45, 0.5)) ** 2 + ((x - cx) / max(cols * 0.45, 0.5)) ** 2 <= 1
    span = hi - lo
    img = np.full((rows, cols), lo + span * 0.1)
    smooth = lo + span * (0.45 + 0.05 * np.sin(x / 5.0) * np.cos(y / 7.0))
    img[body] = (smooth + RNG.normal(0, span * 0.004, (rows, cols)))[body]
    bone = body & (np.abs(x - cx * 1.3) < max(cols * 0.08, 1))
    img[bone] = lo + span * 0.8
    img = np.clip(np.rint(img), lo, hi)
    flat = img.reshape(-1)
    flat[0] = lo  # extremes exercise modulo reduction and clamping
    flat[-1] = hi
    if flat.size > 4:
        flat[flat.size // 3] = hi
        flat[flat.size // 2] = lo
    return img


def noise(rows, cols, lo, hi):
    return RNG.integers(lo, hi, (rows, cols), endpoint=True).astype(float)


def images():
    """(name, array, bits_allocated, bits_stored, pixel_rep, photometric)"""
    yield "u8_64x48", ct_like(48, 64, 0, 255), 8, 8, 0, "MONOCHROME2"
    yield "u12_64x48", ct_like(48, 64, 0, 4095), 16, 12, 0, "MONOCHROME2"
    yield "s12_64x48", ct_like(48, 64, -2048, 2047), 16, 12, 1, "MONOCHROME2"
    yield "u16_64x48", ct_like(48, 64, 0, 65535), 16, 16, 0, "MONOCHROME2"
    yield "s16_64x48", ct_like(48, 64, -32768, 32767), 16, 16, 1, "MONOCHROME2"
    yield "u6_20x16", ct_like(16, 20, 0, 63), 8, 6, 0, "MONOCHROME2"
    yield "u10_40x30", ct_like(30, 40, 0, 1023), 16, 10, 0, "MONOCHROME2"
    yield "u12_17x13", ct_like(13, 17, 0, 4095), 16, 12, 0, "MONOCHROME2"
    yield "u16_1x37", ct_like(1, 37, 0, 65535), 16, 16, 0, "MONOCHROME2"
    yield "u16_37x1", ct_like(37, 1, 0, 65535), 16, 16, 0, "MONOCHROME2"
    yield "u16_noise_32x32", noise(32, 32, 0, 65535), 16, 16, 0, "MONOCHROME2"
    yield "u8_noise_33x31", noise(31, 33, 0, 255), 8, 8, 0, "MONOCHROME2"
    yield "u16_flat_40x30", np.full((30, 40), 1234.0), 16, 16, 0, "MONOCHROME2"
    rgb = np.stack([ct_like(29, 31, 0, 255), noise(29, 31, 0, 255), np.full((29, 31), 7.0)], axis=-1)
    yield "rgb8_31x29", rgb, 8, 8, 0, "RGB"
    yield "s16_24x20", ct_like(20, 24, -32768, 32767), 16, 16, 1, "MONOCHROME2"
    yield "u12_24x20", ct_like(20, 24, 0, 4095), 16, 12, 0, "MONOCHROME2"
    yield "rgb8_12x10", np.stack([ct_like(10, 12, 0, 255), noise(10, 12, 0, 255), ct_like(10, 12, 0, 255)], -1), \
        8, 8, 0, "RGB"


def write_dicom(path, arr, bits_allocated, bits_stored, pixel_rep, photometric):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.7"  # Secondary Capture
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = "OT"
    ds.Rows, ds.Columns = arr.shape[0], arr.shape[1]
    ds.SamplesPerPixel = 3 if arr.ndim == 3 else 1
    if arr.ndim == 3:
        ds.PlanarConfiguration = 0
    ds.PhotometricInterpretation = photometric
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = bits_allocated, bits_stored, bits_stored - 1
    ds.PixelRepresentation = pixel_rep
    dtype = {(8, 0): np.uint8, (16, 0): np.uint16, (16, 1): np.int16}[(bits_allocated, pixel_rep)]
    ds.PixelData = arr.astype(dtype).tobytes()
    ds.save_as(path, write_like_original=False)


def run(cmd):
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit("failed: " + " ".join(cmd) + "\n" + result.stdout + result.stderr)


def bit_patterns(arr, bits_stored):
    return (arr.astype(np.int64) & ((1 << bits_stored) - 1)).astype("<i4")


def clamped(decoded, bits_stored, pixel_rep):
    """A near-lossless decode clamped to the BitsStored range. GDCM codes 12-bit data with P=16 and
    MAXVAL 65535, so its decoders return up to 4095 + NEAR (signed: sign-extended 16-bit values
    beyond +-2048): T.87 clamps reconstructed samples to [0, MAXVAL], and the true MAXVAL is the
    BitsStored range. Masking them instead would wrap bright bone to air (issue 12)."""
    lo, hi = (-(1 << (bits_stored - 1)), (1 << (bits_stored - 1)) - 1) if pixel_rep else (0, (1 << bits_stored) - 1)
    return np.clip(decoded.astype(np.int64), lo, hi)


def decode_with_gdcm(path, work):
    """GDCM's decode (CharLS 2 inside), or None when GDCM cannot decode the stream."""
    native = os.path.join(work, "native.dcm")
    if subprocess.run(["gdcmconv", "--raw", "-i", path, "-o", native], capture_output=True).returncode != 0:
        return None
    return pydicom.dcmread(native).pixel_array.reshape(-1)


def decode_with_dcmtk(path, work):
    """DCMTK's decode (dcmdrle, or dcmdjpls with its CharLS 1 fork), or None when it fails."""
    native = os.path.join(work, "native.dcm")
    rle = pydicom.dcmread(path, stop_before_pixels=True).file_meta.TransferSyntaxUID == "1.2.840.10008.1.2.5"
    if subprocess.run(["dcmdrle" if rle else "dcmdjpls", path, native], capture_output=True).returncode != 0:
        return None
    return pydicom.dcmread(native).pixel_array.reshape(-1)


def main(out, only):
    os.makedirs(out, exist_ok=True)
    work = os.path.join(out, "work")
    os.makedirs(work, exist_ok=True)
    lines = []
    tools = ["dcmcrle", "dcmcjpls", "dcmdjpls", "gdcmconv"]
    have = {t: shutil.which(t) is not None for t in tools}
    lines += ["missing\t" + t for t in tools if not have[t]]

    for name, arr, ba, bs, pr, photometric in images():
        src = os.path.join(work, name + ".dcm")
        write_dicom(src, arr, ba, bs, pr, photometric)
        expected = bit_patterns(arr.reshape(-1), bs)
        color = arr.ndim == 3
        encodings = []  # (case, codec, tool needed, command, near, reference decoder)
        encodings.append((name + ".dcmcrle", "rle", "dcmcrle", ["dcmcrle"], 0, None))
        if not (ba == 8 and arr.shape[0] * arr.shape[1] % 2 == 1):  # GDCM 3.0.21 asserts on these
            encodings.append((name + ".gdcm-rle", "rle", "gdcmconv", ["gdcmconv", "--rle"], 0, None))
        encodings.append((name + ".dcmcjpls", "jpegls", "dcmcjpls", ["dcmcjpls", "+el"], 0, None))
        encodings.append((name + ".gdcm-jls", "jpegls", "gdcmconv", ["gdcmconv", "--jpegls"], 0, None))
        if name == "u12_64x48":  # preset thresholds and RESET travel in an LSE segment
            encodings.append((name + ".dcmcjpls-lse", "jpegls", "dcmcjpls",
                              ["dcmcjpls", "+el", "+t1", "5", "+t2", "19", "+t3", "70", "+rs", "24"], 0, None))
        if color:
            encodings.append((name + ".dcmcjpls-ilv0", "jpegls", "dcmcjpls", ["dcmcjpls", "+el", "+in"], 0, None))
            encodings.append((name + ".dcmcjpls-ilv2", "jpegls", "dcmcjpls", ["dcmcjpls", "+el", "+is"], 0, None))
        for near in (1, 2, 3):
            # dcmcjpls +en refuses signed data. For P < 8 it writes MAXVAL < 128 without an LSE
            # segment but codes with thresholds from the MAXVAL >= 128 formula (CharLS 1 inside
            # DCMTK 3.6.7): non-conformant, so not a reference for a T.87 decoder.
            if pr == 0 and not color and bs >= 8:
                encodings.append((f"{name}.dcmcjpls-near{near}", "jpegls", "dcmcjpls",
                                  ["dcmcjpls", "+en", "+md", str(near)], near, "gdcm"))
            encodings.append((f"{name}.gdcm-jls-near{near}", "jpegls", "gdcmconv",
                              ["gdcmconv", "--jpegls", "--lossy", "-e", str(near)], near, "dcmtk"))
        for case, codec, tool, cmd, near, reference in encodings:
            if only and case not in only:
                continue
            if tool == "gdcmconv" and ba == 8 and bs < 8:  # GDCM 3.0.21 aborts on these
                continue
            if not have[tool] or (reference is not None and not (have["gdcmconv"] and have["dcmdjpls"])):
                continue
            dst = os.path.join(work, case + ".dcm")
            run(cmd + (["-i", src, "-o", dst] if tool == "gdcmconv" else [src, dst]))
            ds = pydicom.dcmread(dst)
            frame = next(generate_pixel_data_frame(ds.PixelData, 1))
            base = os.path.join(out, case)
            with open(base + ".frame", "wb") as f:
                f.write(frame)
            # The encoder's own header, which may differ from the input (e.g. BitsStored).
            bits_stored = int(ds.BitsStored)
            if only and near == 0:
                # Committed fixtures: the expected samples are the other tool's decode, which must
                # equal the original for a lossless syntax.
                decode = decode_with_dcmtk if tool == "gdcmconv" else decode_with_gdcm
                decoded = decode(dst, work)
                if decoded is None or not np.array_equal(bit_patterns(decoded, bits_stored),
                                                         bit_patterns(expected, bits_stored)):
                    raise SystemExit(case + ": the independent lossless decode differs from the original")
                bit_patterns(decoded, bits_stored).tofile(base + ".expected")
            else:
                bit_patterns(expected, bits_stored).tofile(base + ".expected")
            ref = "-"
            if reference is not None:
                # Prefer the other tool's decoder; a stream that both decoders reject must be
                # rejected by ours too (DCMTK 3.6.7 writes some 8-bit near-lossless noise wrongly).
                decoders = [decode_with_gdcm, decode_with_dcmtk]
                if reference == "dcmtk":
                    decoders.reverse()
                decoded = next((d for d in (f(dst, work) for f in decoders) if d is not None), None)
                if decoded is None:
                    ref = "rejected"
                else:
                    bit_patterns(clamped(decoded, bits_stored, int(ds.PixelRepresentation)), bits_stored).tofile(base + ".reference")
                    ref = case + ".reference"
            lines.append("\t".join(str(v) for v in [
                "case", case, codec, ds.Rows, ds.Columns, ds.SamplesPerPixel, ds.BitsAllocated, bits_stored,
                ds.PixelRepresentation, near, case + ".frame", case + ".expected", ref]))
    with open(os.path.join(out, "manifest.tsv"), "w") as f:
        f.write("\n".join(lines) + "\n")
    shutil.rmtree(work)


if __name__ == "__main__":
    main(sys.argv[1], set(sys.argv[2:]))
