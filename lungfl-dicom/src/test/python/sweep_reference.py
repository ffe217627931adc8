#!/usr/bin/python3
"""Reference decode for the sweep over Debian's DICOM files (DebianDicomSweepTest).

    sweep_reference.py FILE...    one JSON object per line

Reads each file with pydicom (force=True, as pydicom's own tests do) and decodes its pixels with
pydicom's handlers, GDCM's among them (python3-gdcm); when those fail, with gdcmconv --raw or
DCMTK's dcmdjpeg/dcmdjpls and pydicom. Reports what `lungfl dicom inspect --json` reports:
hu_mean, hu_sum and hu_sha256 over all frames (HU = stored * slope + intercept, rounded half to
even, int32 little endian), or "pixels": false, "colour": true, or "error".

Stored values are masked to BitsStored and sign-extended (PixelRepresentation 1) for lossless
syntaxes; for lossy ones they are clamped to the BitsStored range instead, as LungFL clamps an
overshoot of lossy reconstruction (GDCM codes 12-bit data in 16-bit code-streams).
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import pydicom

LOSSY = {"1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.81", "1.2.840.10008.1.2.4.91"}
TOOLS = [["gdcmconv", "--raw"], ["dcmdjpeg"], ["dcmdjpls"], ["dcmdrle"]]


def decoded(path, ds):
    try:
        return ds.pixel_array, "pydicom"
    except Exception as first:  # noqa: BLE001 - any handler failure: try the tools
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "native.dcm")
            for tool in TOOLS:
                cmd = tool + (["-i", path, "-o", out] if tool[0] == "gdcmconv" else [path, out])
                if subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0:
                    try:
                        return pydicom.dcmread(out).pixel_array, tool[0]
                    except Exception:  # noqa: BLE001
                        continue
        raise first


def inspect(path):
    ds = pydicom.dcmread(path, force=True)
    if "PixelData" not in ds:
        return {"pixels": False}
    if int(getattr(ds, "SamplesPerPixel", 1) or 1) != 1:
        return {"colour": True}
    ts = str(ds.file_meta.TransferSyntaxUID) if "TransferSyntaxUID" in getattr(ds, "file_meta", {}) else ""
    # read before decoding: pydicom's GDCM handler rewrites PixelRepresentation to the J2K code-stream's
    frames = int(getattr(ds, "NumberOfFrames", 1) or 1)
    bs, pr = int(ds.BitsStored), int(ds.PixelRepresentation)
    arr, decoder = decoded(path, ds)
    arr = np.asarray(arr).reshape(frames, int(ds.Rows), int(ds.Columns))
    arr = arr.astype(arr.dtype.newbyteorder("="))
    if ts in LOSSY:
        lo, hi = (-(1 << (bs - 1)), (1 << (bs - 1)) - 1) if pr else (0, (1 << bs) - 1)
        values = np.clip(arr.astype(np.int64), lo, hi)
    else:
        values = arr.view("u%d" % arr.dtype.itemsize).astype(np.int64) & ((1 << bs) - 1)
        if pr == 1:
            values = np.where(values >= (1 << (bs - 1)), values - (1 << bs), values)
    slope = float(getattr(ds, "RescaleSlope", 1) or 1)
    intercept = float(getattr(ds, "RescaleIntercept", 0) or 0)
    hu = values * slope + intercept
    rounded = np.rint(hu).astype("<i4")
    return {"hu_mean": float(hu.mean()), "hu_sum": int(rounded.astype(np.int64).sum()),
            "hu_sha256": hashlib.sha256(rounded.tobytes()).hexdigest(), "lossy": ts in LOSSY, "decoder": decoder}


if __name__ == "__main__":
    for p in sys.argv[1:]:
        try:
            result = inspect(p)
        except Exception as e:  # noqa: BLE001 - one line per file, like lungfl
            result = {"error": "%s: %s" % (type(e).__name__, str(e).splitlines()[0] if str(e) else "")}
        result["path"] = p
        print(json.dumps(result), flush=True)
