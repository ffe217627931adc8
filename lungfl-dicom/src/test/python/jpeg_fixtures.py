#!/usr/bin/python3
"""Makes JPEG-family test codestreams with independent encoders, for the Java codec tests.

Usage: jpeg_fixtures.py OUTDIR [CASE...]

For each case it writes a small uncompressed CT-like DICOM with pydicom, compresses it with an
independent tool (DCMTK dcmcjpeg, GDCM gdcmconv, libjpeg-turbo cjpeg), takes the first frame's
codestream out of the encapsulated Pixel Data, and writes into OUTDIR:
  NAME.bin         the codestream
  NAME.properties  the compressed file's Image Pixel attributes, transfer syntax, rescale
  NAME.orig        the original stored values (int32 little endian, rows x columns x samples)
  NAME.ref         for lossy syntaxes: the encoder's own decoder's output (dcmdjpeg, gdcmconv --raw, djpeg)
A case whose tool is missing is listed in OUTDIR/skipped.txt as NAME<tab>SYNTAX<tab>reason.
"""
import os
import shutil
import subprocess
import sys

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import generate_pixel_data_frame
from pydicom.uid import ExplicitVRLittleEndian

CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2"


def density(rows, cols, seed):
    """A CT-like slice in [0, 1]: air, an elliptic body, two lungs with vessels, a bone ring, noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:rows, 0:cols]
    u = (x - cols / 2) / (cols * 0.45)
    v = (y - rows / 2) / (rows * 0.42)
    body = u * u + v * v < 1
    img = np.where(body, 0.55, 0.0)
    img = np.where((u * u + v * v > 0.8) & body, 0.95, img)
    for cx in (-0.45, 0.45):
        lung = ((u - cx) / 0.35) ** 2 + (v / 0.7) ** 2 < 1
        img = np.where(lung, 0.08, img)
    img = np.where(((u - 0.4) ** 2 + (v + 0.1) ** 2) < 0.01, 0.6, img)  # a nodule
    img = img + rng.normal(0, 0.02, size=img.shape)
    return np.clip(img, 0, 1)


def padded_disc(n, seed):
    """A signed CT disc: -2000 padding outside the field of view, soft tissue, a bone ring up to 3000."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:n, 0:n]
    r = np.hypot(x - n / 2, y - n / 2)
    img = np.where(r < n / 2 - 1, 1024 + rng.normal(0, 40, (n, n)), -2000)
    return np.round(np.where((r > n / 2 - 3) & (r < n / 2 - 1), 3000, img)).astype(np.int64)


def write_native(path, pixels, bits_allocated, bits_stored, signed, slope=1.0, intercept=0.0, rgb=False):
    ds = Dataset()
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = CT_IMAGE_STORAGE
    meta.MediaStorageSOPInstanceUID = "2.25.4242424242"
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta = meta
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    ds.SOPClassUID = CT_IMAGE_STORAGE
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = "2.25.1"
    ds.SeriesInstanceUID = "2.25.2"
    ds.Modality = "CT"
    ds.PatientName = "Synthetic^Phantom"
    ds.PatientID = "SYNTH"
    ds.Rows, ds.Columns = pixels.shape[0], pixels.shape[1]
    ds.SamplesPerPixel = 3 if rgb else 1
    ds.PhotometricInterpretation = "RGB" if rgb else "MONOCHROME2"
    if rgb:
        ds.PlanarConfiguration = 0
    ds.BitsAllocated = bits_allocated
    ds.BitsStored = bits_stored
    ds.HighBit = bits_stored - 1
    ds.PixelRepresentation = 1 if signed else 0
    ds.RescaleSlope = slope
    ds.RescaleIntercept = intercept
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    dtype = {(8, False): np.uint8, (16, False): np.uint16, (16, True): np.int16}[(bits_allocated, signed)]
    ds.PixelData = pixels.astype(dtype).tobytes()
    ds.save_as(path, write_like_original=False)


def run(*cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def first_frame(ds):
    return next(generate_pixel_data_frame(ds.PixelData, 1))


def write_case(out, name, codestream, ds, syntax, lossless, orig, orig_slope, orig_intercept, ref, encoder):
    with open(os.path.join(out, name + ".bin"), "wb") as f:
        f.write(codestream)
    props = {
        "rows": ds.Rows, "columns": ds.Columns, "samplesPerPixel": ds.SamplesPerPixel,
        "bitsAllocated": ds.BitsAllocated, "bitsStored": ds.BitsStored, "highBit": ds.HighBit,
        "pixelRepresentation": ds.PixelRepresentation, "photometric": ds.PhotometricInterpretation,
        "planarConfiguration": getattr(ds, "PlanarConfiguration", 0), "syntax": syntax,
        "lossless": str(lossless).lower(), "slope": float(getattr(ds, "RescaleSlope", 1)),
        "intercept": float(getattr(ds, "RescaleIntercept", 0)), "origSlope": orig_slope,
        "origIntercept": orig_intercept, "encoder": encoder,
    }
    with open(os.path.join(out, name + ".properties"), "w") as f:
        f.writelines(f"{k}={v}\n" for k, v in props.items())
    orig.astype("<i4").tofile(os.path.join(out, name + ".orig"))
    if ref is not None:
        ref.astype("<i4").tofile(os.path.join(out, name + ".ref"))


def dicom_case(out, work, name, pixels, ba, bs, signed, tool, syntax, lossless, slope=1.0, intercept=0.0):
    """Compresses a native DICOM with DCMTK or GDCM; the reference decode is the same tool's decoder."""
    native = os.path.join(work, name + ".native.dcm")
    comp = os.path.join(work, name + ".comp.dcm")
    write_native(native, pixels, ba, bs, signed, slope, intercept)
    run(*tool, native, comp)
    ds = pydicom.dcmread(comp)
    if ds.file_meta.TransferSyntaxUID != syntax:
        raise RuntimeError(f"{name}: {tool[0]} wrote {ds.file_meta.TransferSyntaxUID}, expected {syntax}")
    ref = None
    if not lossless:
        back = os.path.join(work, name + ".back.dcm")
        if tool[0] == "dcmcjpeg":
            run("dcmdjpeg", comp, back)
        else:
            run("gdcmconv", "--raw", comp, back)
        ref = pydicom.dcmread(back).pixel_array.astype(np.int64)
    write_case(out, name, first_frame(ds), ds, syntax, lossless, pixels, slope, intercept, ref, " ".join(tool))


def pnm_case(out, work, name, pixels, cjpeg_args):
    """Compresses a PGM/PPM with libjpeg-turbo's cjpeg (restart intervals); reference: djpeg."""
    rgb = pixels.ndim == 3
    src = os.path.join(work, name + (".ppm" if rgb else ".pgm"))
    with open(src, "wb") as f:
        f.write(b"P6" if rgb else b"P5")
        f.write(f"\n{pixels.shape[1]} {pixels.shape[0]}\n255\n".encode())
        f.write(pixels.astype(np.uint8).tobytes())
    jpg = os.path.join(work, name + ".jpg")
    back = os.path.join(work, name + ".back.pnm")
    run("cjpeg", *cjpeg_args, "-outfile", jpg, src)
    run("djpeg", "-dct", "int", "-pnm", "-outfile", back, jpg)
    with open(back, "rb") as f:
        raw = f.read()
    ref = np.frombuffer(raw[len(raw) - pixels.size:], dtype=np.uint8).astype(np.int64)
    ds = Dataset()
    ds.Rows, ds.Columns = pixels.shape[0], pixels.shape[1]
    ds.SamplesPerPixel = 3 if rgb else 1
    ds.BitsAllocated = ds.BitsStored = 8
    ds.HighBit = 7
    ds.PixelRepresentation = 0
    ds.PhotometricInterpretation = "RGB" if rgb else "MONOCHROME2"
    with open(jpg, "rb") as f:
        write_case(out, name, f.read(), ds, "1.2.840.10008.1.2.4.50", False, pixels.reshape(-1), 1.0, 0.0, ref,
                   "cjpeg " + " ".join(cjpeg_args))


def pillow_j2k_case(out, work, name, pixels, jp2, tile_size):
    """JPEG 2000 by OpenJPEG through Pillow: a JP2-wrapped and a multi-tile codestream (GDCM writes neither)."""
    import io
    from PIL import Image
    wide = pixels.max() > 255
    buf = io.BytesIO()
    options = {"tile_size": tile_size} if tile_size else {}
    Image.fromarray(pixels.astype(np.uint16 if wide else np.uint8)).save(buf, format="JPEG2000", no_jp2=not jp2, **options)
    ds = Dataset()
    ds.Rows, ds.Columns = pixels.shape
    ds.SamplesPerPixel = 1
    ds.BitsAllocated = 16 if wide else 8
    ds.BitsStored = 12 if wide else 8
    ds.HighBit = ds.BitsStored - 1
    ds.PixelRepresentation = 0
    ds.PhotometricInterpretation = "MONOCHROME2"
    write_case(out, name, buf.getvalue(), ds, "1.2.840.10008.1.2.4.90", True, pixels.reshape(-1), 1.0, 0.0, None,
               f"Pillow/OpenJPEG jp2={jp2} tiles={tile_size}")


def opj_narrow_case(out, work, name, pixels, code_bits, bits_stored):
    """OpenJPEG's opj_compress on a PGM of code_bits precision, described to DICOM as BitsStored
    bits_stored (nibabel's slicethickness_empty_string.dcm has a 10-bit code-stream, BitsStored 12)."""
    src = os.path.join(work, name + ".pgm")
    with open(src, "wb") as f:
        f.write(f"P5\n{pixels.shape[1]} {pixels.shape[0]}\n{(1 << code_bits) - 1}\n".encode())
        f.write(pixels.astype(">u2").tobytes())
    j2k = os.path.join(work, name + ".j2k")
    run("opj_compress", "-n", "3", "-i", src, "-o", j2k)
    ds = Dataset()
    ds.Rows, ds.Columns = pixels.shape
    ds.SamplesPerPixel = 1
    ds.BitsAllocated = 16
    ds.BitsStored = bits_stored
    ds.HighBit = bits_stored - 1
    ds.PixelRepresentation = 0
    ds.PhotometricInterpretation = "MONOCHROME2"
    with open(j2k, "rb") as f:
        write_case(out, name, f.read(), ds, "1.2.840.10008.1.2.4.90", True, pixels.reshape(-1), 1.0, 0.0, None,
                   f"opj_compress ({code_bits}-bit PGM), BitsStored {bits_stored}")


def available(tool):
    if tool == "pillow-openjpeg":
        try:
            from PIL import features
            return features.check("jpg_2000")
        except ImportError:
            return False
    return shutil.which(tool) is not None


def cases():
    d = density
    u8 = lambda r, c, s: np.round(d(r, c, s) * 250).astype(np.int64)
    u12 = lambda r, c, s: np.round(d(r, c, s) * 4000).astype(np.int64)                # HU = v - 1024
    s12 = lambda r, c, s: np.round(d(r, c, s) * 3800 - 1900).astype(np.int64)
    s16 = lambda r, c, s: np.round(d(r, c, s) * 4000 - 1024 + (d(r, c, s + 1) > 0.9) * 20000).astype(np.int64)
    hu16 = lambda r, c, s: np.round(d(r, c, s) * 4000 - 1024).astype(np.int64)                # a CT's range
    u16 = lambda r, c, s: np.round(d(r, c, s) * 65000).astype(np.int64)
    base, ext, sv1, lossless = "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.57"
    j2k_ll, j2k = "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91"
    yield "dcmtk_baseline_u8_37x23", base, ("dcmcjpeg",), lambda o, w, n: dicom_case(o, w, n, u8(23, 37, 1), 8, 8, False, ["dcmcjpeg", "+eb"], base, False)
    yield "dcmtk_baseline_u8_q50_130x70", base, ("dcmcjpeg",), lambda o, w, n: dicom_case(o, w, n, u8(70, 130, 2), 8, 8, False, ["dcmcjpeg", "+eb", "+q", "50"], base, False)
    yield "dcmtk_extended_u12_64x48", ext, ("dcmcjpeg",), lambda o, w, n: dicom_case(o, w, n, u12(48, 64, 3), 16, 12, False, ["dcmcjpeg", "+ee"], ext, False, 1.0, -1024.0)
    yield "dcmtk_extended_u12_40x24", ext, ("dcmcjpeg",), lambda o, w, n: dicom_case(o, w, n, u12(24, 40, 11), 16, 12, False, ["dcmcjpeg", "+ee", "+q", "80"], ext, False, 1.0, -1024.0)
    yield "dcmtk_extended_s12_33x45", ext, ("dcmcjpeg",), lambda o, w, n: dicom_case(o, w, n, s12(45, 33, 4), 16, 12, True, ["dcmcjpeg", "+ee", "+q", "75"], ext, False)
    yield "dcmtk_extended_s16_100x90", ext, ("dcmcjpeg",), lambda o, w, n: dicom_case(o, w, n, hu16(90, 100, 5), 16, 16, True, ["dcmcjpeg", "+ee", "+q", "95"], ext, False)
    yield "dcmtk_extended_u8_40x30", ext, ("dcmcjpeg",), lambda o, w, n: dicom_case(o, w, n, u8(30, 40, 6), 8, 8, False, ["dcmcjpeg", "+ee"], ext, False)
    yield "dcmtk_sv1_s16_37x23", sv1, ("dcmcjpeg",), lambda o, w, n: dicom_case(o, w, n, s16(23, 37, 7), 16, 16, True, ["dcmcjpeg", "+e1"], sv1, True)
    yield "dcmtk_sv1_u12_64x48", sv1, ("dcmcjpeg",), lambda o, w, n: dicom_case(o, w, n, u12(48, 64, 8), 16, 12, False, ["dcmcjpeg", "+e1"], sv1, True, 1.0, -1024.0)
    yield "dcmtk_sv1_u8_31x17", sv1, ("dcmcjpeg",), lambda o, w, n: dicom_case(o, w, n, u8(17, 31, 9), 8, 8, False, ["dcmcjpeg", "+e1"], sv1, True)
    yield "dcmtk_sv1_u16_40x20", sv1, ("dcmcjpeg",), lambda o, w, n: dicom_case(o, w, n, u16(20, 40, 10), 16, 16, False, ["dcmcjpeg", "+e1"], sv1, True)
    for p in range(1, 8):
        yield f"dcmtk_lossless_p{p}_s12_29x19", lossless, ("dcmcjpeg",), (lambda p: lambda o, w, n: dicom_case(
            o, w, n, s12(19, 29, 20 + p), 16, 12, True, ["dcmcjpeg", "+el", "+sv", str(p)], lossless, True))(p)
    # Seeds chosen so that DCMTK's entropy-coded data ends on a byte boundary and its even-length fill
    # byte 0xFF precedes EOI: TwelveMonkeys 3.14 dropped the last sample of exactly these (issue 12).
    for p, seed in ((1, 8), (7, 5)):
        yield f"dcmtk_lossless_p{p}_s16_fill_16x16", lossless, ("dcmcjpeg",), (lambda p, seed: lambda o, w, n: dicom_case(
            o, w, n, padded_disc(16, seed), 16, 16, True, ["dcmcjpeg", "+el", "+sv", str(p)], lossless, True, 1.0, -1024.0))(p, seed)
    yield "gdcm_lossless_s16_37x23", sv1, ("gdcmconv",), lambda o, w, n: dicom_case(o, w, n, s16(23, 37, 30), 16, 16, True, ["gdcmconv", "--jpeg"], sv1, True)
    yield "gdcm_lossless_u12_64x48", sv1, ("gdcmconv",), lambda o, w, n: dicom_case(o, w, n, u12(48, 64, 31), 16, 12, False, ["gdcmconv", "--jpeg"], sv1, True, 1.0, -1024.0)
    yield "gdcm_j2k_s16_37x23", j2k_ll, ("gdcmconv",), lambda o, w, n: dicom_case(o, w, n, s16(23, 37, 40), 16, 16, True, ["gdcmconv", "--j2k"], j2k_ll, True)
    yield "gdcm_j2k_u12_64x48", j2k_ll, ("gdcmconv",), lambda o, w, n: dicom_case(o, w, n, u12(48, 64, 41), 16, 12, False, ["gdcmconv", "--j2k"], j2k_ll, True, 1.0, -1024.0)
    yield "gdcm_j2k_s12_33x45", j2k_ll, ("gdcmconv",), lambda o, w, n: dicom_case(o, w, n, s12(45, 33, 42), 16, 12, True, ["gdcmconv", "--j2k"], j2k_ll, True)
    yield "gdcm_j2k_u8_31x17", j2k_ll, ("gdcmconv",), lambda o, w, n: dicom_case(o, w, n, u8(17, 31, 43), 8, 8, False, ["gdcmconv", "--j2k"], j2k_ll, True)
    yield "gdcm_j2k_lossy_s16_100x90", j2k, ("gdcmconv",), lambda o, w, n: dicom_case(o, w, n, hu16(90, 100, 44), 16, 16, True, ["gdcmconv", "--j2k", "--lossy", "--irreversible", "-q", "70"], j2k, False)
    yield "gdcm_j2k_lossy_u12_64x48", j2k, ("gdcmconv",), lambda o, w, n: dicom_case(o, w, n, u12(48, 64, 45), 16, 12, False, ["gdcmconv", "--j2k", "--lossy", "-q", "100"], j2k, False, 1.0, -1024.0)
    yield "gdcm_j2k_lossy_u12_40x24", j2k, ("gdcmconv",), lambda o, w, n: dicom_case(o, w, n, u12(24, 40, 46), 16, 12, False, ["gdcmconv", "--j2k", "--lossy", "--irreversible", "-q", "90"], j2k, False, 1.0, -1024.0)
    yield "pillow_jp2_u12_40x24", j2k_ll, ("pillow-openjpeg",), lambda o, w, n: pillow_j2k_case(o, w, n, u12(24, 40, 47), True, None)
    yield "pillow_j2k_tiles_u8_53x37", j2k_ll, ("pillow-openjpeg",), lambda o, w, n: pillow_j2k_case(o, w, n, u8(37, 53, 48), False, (16, 16))
    yield "pillow_jp2_tiles_u8_40x24", j2k_ll, ("pillow-openjpeg",), lambda o, w, n: pillow_j2k_case(o, w, n, u8(24, 40, 49), True, (16, 16))
    yield "opj_j2k_p10_bs12_24x20", j2k_ll, ("opj_compress",), lambda o, w, n: opj_narrow_case(
        o, w, n, np.round(d(20, 24, 60) * 1000).astype(np.int64), 10, 12)
    yield "cjpeg_restart_gray_100x70", base, ("cjpeg", "djpeg"), lambda o, w, n: pnm_case(o, w, n, u8(70, 100, 50), ["-grayscale", "-restart", "3B", "-quality", "85"])
    yield "cjpeg_restart_rows_gray_61x45", base, ("cjpeg", "djpeg"), lambda o, w, n: pnm_case(o, w, n, u8(45, 61, 51), ["-grayscale", "-restart", "1", "-optimize"])
    yield "cjpeg_restart_rgb_50x34", base, ("cjpeg", "djpeg"), lambda o, w, n: pnm_case(o, w, n, np.stack(
        [u8(34, 50, 52), u8(34, 50, 53), u8(34, 50, 54)], axis=-1), ["-rgb", "-restart", "2B", "-quality", "90"])
    yield "cjpeg_restart_rgb_26x18", base, ("cjpeg", "djpeg"), lambda o, w, n: pnm_case(o, w, n, np.stack(
        [u8(18, 26, 55), u8(18, 26, 56), u8(18, 26, 57)], axis=-1), ["-rgb", "-restart", "2B", "-quality", "80"])


def main():
    out = sys.argv[1]
    wanted = set(sys.argv[2:])
    os.makedirs(out, exist_ok=True)
    work = os.path.join(out, "work")
    os.makedirs(work, exist_ok=True)
    skipped = []
    for name, syntax, tools, make in cases():
        if wanted and name not in wanted:
            continue
        missing = [t for t in tools if not available(t)]
        if missing:
            skipped.append(f"{name}\t{syntax}\t{', '.join(missing)} not installed")
            continue
        try:
            make(out, work, name)
        except subprocess.CalledProcessError as e:
            raise SystemExit(f"{name}: {' '.join(e.cmd)} failed: {e.stderr.decode(errors='replace').strip()}")
    with open(os.path.join(out, "skipped.txt"), "w") as f:
        f.writelines(s + "\n" for s in skipped)
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
