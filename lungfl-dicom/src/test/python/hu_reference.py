#!/usr/bin/python3
"""Independent reference for `lungfl dicom inspect --json`: the same hu_* fields, decoded without LungFL.

    hu_reference.py FILE...    one JSON object per line

Native, deflated, big endian and RLE data are decoded by pydicom (numpy and its own RLE handler).
Compressed JPEG-family data is first decompressed to explicit VR little endian by DCMTK (dcmdjpeg,
dcmdjpls) or GDCM (gdcmconv --raw, OpenJPEG for JPEG 2000), then read by pydicom.

Stored values are masked to BitsStored and sign-extended when PixelRepresentation is 1;
HU = stored * RescaleSlope + RescaleIntercept in float64; hu_sum and hu_sha256 use HU rounded to
the nearest integer with ties to even (np.rint), the digest over int32 little endian in frame, row,
column order. These are the definitions LungFL documents in HuStatistics.
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import pydicom
from pydicom.encaps import encapsulate, generate_pixel_data_frame
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian

DECOMPRESSORS = {
    "1.2.840.10008.1.2.4.50": ["dcmdjpeg"],
    "1.2.840.10008.1.2.4.51": ["dcmdjpeg"],
    "1.2.840.10008.1.2.4.57": ["dcmdjpeg"],
    "1.2.840.10008.1.2.4.70": ["dcmdjpeg"],
    "1.2.840.10008.1.2.4.80": ["dcmdjpls"],
    "1.2.840.10008.1.2.4.81": ["dcmdjpls"],
    "1.2.840.10008.1.2.4.90": ["gdcmconv", "--raw"],
    "1.2.840.10008.1.2.4.91": ["gdcmconv", "--raw"],
}


def read(path):
    ds = pydicom.dcmread(path, force=True)
    meta = getattr(ds, "file_meta", None)
    ts = str(meta.TransferSyntaxUID) if meta is not None and "TransferSyntaxUID" in meta else None
    decoder, pixels = "pydicom", ds
    if ts is None:  # a raw data set: pydicom sniffed the syntax while reading
        ds.file_meta.TransferSyntaxUID = ImplicitVRLittleEndian if ds.is_implicit_VR else ExplicitVRLittleEndian
    if ts in DECOMPRESSORS:
        with tempfile.TemporaryDirectory() as tmp:
            # GDCM cannot convert frames split over several fragments: pydicom regroups them first
            # (by the basic offset table, or at EOI markers: not LungFL's way of splitting).
            frames = int(getattr(ds, "NumberOfFrames", 1) or 1)
            ds.PixelData = encapsulate(list(generate_pixel_data_frame(ds.PixelData, frames)), 1, has_bot=True)
            src = os.path.join(tmp, "one_fragment_per_frame.dcm")
            ds.save_as(src)
            out = os.path.join(tmp, "native.dcm")
            tool = DECOMPRESSORS[ts]
            subprocess.run(tool + [src, out], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            pixels = pydicom.dcmread(out)
            decoder = tool[0]
    return ds, pixels, ts, decoder


def stored_values(ds, pixels):
    """The pixels decoded from `pixels`, masked and sign-extended as the original header `ds` says
    (a decompressor may rewrite BitsStored, e.g. gdcmconv --raw writes 16 for 12-bit JPEG 2000)."""
    frames = int(getattr(ds, "NumberOfFrames", 1) or 1)
    ba, bs, pr = int(pixels.BitsAllocated), int(ds.BitsStored), int(ds.PixelRepresentation)
    arr = pixels.pixel_array.reshape(frames, int(ds.Rows), int(ds.Columns))
    arr = arr.astype(arr.dtype.newbyteorder("="))  # big endian files come back as '>i2'
    bits = arr.view("u%d" % (ba // 8)).astype(np.int64) & ((1 << bs) - 1)
    if pr == 1:
        bits = np.where(bits >= (1 << (bs - 1)), bits - (1 << bs), bits)
    return bits


def inspect(path):
    ds, pixels, ts, decoder = read(path)
    slope = float(getattr(ds, "RescaleSlope", 1) or 1)
    intercept = float(getattr(ds, "RescaleIntercept", 0) or 0)
    hu = stored_values(ds, pixels) * slope + intercept
    rounded = np.rint(hu).astype("<i4")
    return {
        "path": path,
        "TransferSyntaxUID": str(ds.file_meta.TransferSyntaxUID) if ts is None else ts,
        "Rows": int(ds.Rows),
        "Columns": int(ds.Columns),
        "NumberOfFrames": int(getattr(ds, "NumberOfFrames", 1) or 1),
        "BitsAllocated": int(ds.BitsAllocated),
        "BitsStored": int(ds.BitsStored),
        "PixelRepresentation": int(ds.PixelRepresentation),
        "PhotometricInterpretation": str(ds.PhotometricInterpretation),
        "RescaleSlope": slope,
        "RescaleIntercept": intercept,
        "hu_min": float(hu.min()),
        "hu_max": float(hu.max()),
        "hu_mean": float(hu.mean()),
        "hu_sum": int(rounded.astype(np.int64).sum()),
        "hu_sha256": hashlib.sha256(rounded.tobytes()).hexdigest(),
        "decoder": decoder,
    }


if __name__ == "__main__":
    status = 0
    for p in sys.argv[1:]:
        try:
            print(json.dumps(inspect(p)), flush=True)
        except Exception as e:  # one line per unreadable file, like lungfl
            print(json.dumps({"path": p, "error": "%s: %s" % (type(e).__name__, e)}), flush=True)
            status = 1
    sys.exit(status)
