#!/usr/bin/python3
"""The Python pipeline `lungfl bench import` compares against: the same work as
`lungfl dataset import` (DSB2017 layout), done the way a DSB2017 notebook does it
(Zuidhof's tutorial): pydicom reads every file, slices sorted by position along the normal,
HU = stored * slope + intercept (padding and anything below -1000 -> air), scipy.ndimage.zoom(order=1) to the plan's
spacing, clip to the HU window, scale to [0, 1], subtract the mean, crop/pad to the target
shape about the body centre (largest component above -500 HU), numpy.save.

Prints one JSON line: {"slices": N, "patients": P, "seconds": S, "cpu_seconds": C, "maxrss_kb": K}.
Uses one process, as such scripts do. Run with /usr/bin/python3 (Debian's pydicom, numpy, scipy).
`lungfl bench import --plan bench/plan-1.5mm.json` runs both at 1.5 mm isotropic, the spacing of the
lesion-centred plan (issue 11): there zoom's work is in-plane (0.7 -> 1.5 mm) and the volume it returns
is 8x the demo plan's, so labelling and centre of mass weigh more.
"""
import argparse
import json
import os
import resource
import time

import numpy as np
import pydicom
import scipy.ndimage as ndi


def load_series(folder):
    by_uid = {}
    for root, _, files in os.walk(folder):
        for name in sorted(files):
            try:
                ds = pydicom.dcmread(os.path.join(root, name))
                ds.ImagePositionPatient  # noqa: B018 - must have geometry
            except Exception:  # an unreadable file is skipped, as LungFL does
                continue
            by_uid.setdefault(ds.SeriesInstanceUID, []).append(ds)
    ct = [s for s in by_uid.values() if s[0].Modality == "CT"]
    slices = max(ct, key=len)
    o = np.array(slices[0].ImageOrientationPatient, dtype=float)
    normal = np.cross(o[:3], o[3:])
    slices.sort(key=lambda s: float(np.dot(normal, np.array(s.ImagePositionPatient, dtype=float))))
    pos = np.array([np.dot(normal, np.array(s.ImagePositionPatient, dtype=float)) for s in slices])
    vol = np.empty((len(slices), slices[0].Rows, slices[0].Columns), dtype=np.float32)
    for i, s in enumerate(slices):
        px = s.pixel_array
        hu = px.astype(np.float32) * float(getattr(s, "RescaleSlope", 1)) + float(getattr(s, "RescaleIntercept", 0))
        if "PixelPaddingValue" in s:
            hu[px == s.PixelPaddingValue] = -1000
        np.maximum(hu, -1000, out=hu)  # undeclared padding (below air) is air, as LungFL does
        vol[i] = hu
    dz = float(np.median(np.diff(pos))) if len(pos) > 1 else 1.0
    spacing = np.array([dz, float(slices[0].PixelSpacing[0]), float(slices[0].PixelSpacing[1])])
    return vol, spacing


def preprocess(vol, spacing, new_spacing, shape, window, mean):
    new_shape = np.round(np.array(vol.shape) * spacing / new_spacing)
    vol = ndi.zoom(vol, new_shape / np.array(vol.shape), order=1, mode="nearest")
    labels, n = ndi.label(vol > -500)
    if n:
        sizes = np.bincount(labels.ravel())
        sizes[0] = 0
        centre = ndi.center_of_mass(labels == sizes.argmax())
    else:
        centre = (np.array(vol.shape) - 1) / 2.0
    vol = (np.clip(vol, window[0], window[1]) - window[0]) / (window[1] - window[0]) - mean
    vol = vol.astype(np.float32)
    pad = float((np.clip(-1000, *window) - window[0]) / (window[1] - window[0]) - mean)
    out = np.full(shape, pad, dtype=np.float32)
    src, dst = [], []
    for c, n_in, n_out in zip(centre, vol.shape, shape):
        start = int(round(c - n_out / 2.0))
        start = max(min(0, n_in - n_out), min(max(0, n_in - n_out), start))
        lo = max(0, -start)
        hi = min(n_out, n_in - start)
        dst.append(slice(lo, hi))
        src.append(slice(lo + start, hi + start))
    out[tuple(dst)] = vol[tuple(src)]
    return out


def peak_rss_kb():
    # VmHWM, not ru_maxrss: a process spawned by the JVM inherits the JVM's high-water mark in
    # ru_maxrss across exec, while VmHWM belongs to this process's own address space.
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dicom", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--spacing", type=float, nargs=3, required=True)
    ap.add_argument("--shape", type=int, nargs=3, required=True)
    ap.add_argument("--window", type=float, nargs=2, required=True)
    ap.add_argument("--mean", type=float, required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    t0 = time.perf_counter()
    start = resource.getrusage(resource.RUSAGE_SELF)
    cpu0 = start.ru_utime + start.ru_stime
    slices = patients = 0
    for patient in sorted(os.listdir(a.dicom)):
        folder = os.path.join(a.dicom, patient)
        if not os.path.isdir(folder):
            continue
        vol, spacing = load_series(folder)
        out = preprocess(vol, spacing, np.array(a.spacing), tuple(a.shape), a.window, a.mean)
        np.save(os.path.join(a.out, patient + ".npy"), out)
        slices += vol.shape[0]
        patients += 1
    seconds = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - cpu0
    print(json.dumps({"slices": slices, "patients": patients, "seconds": seconds, "cpu_seconds": cpu,
                      "maxrss_kb": peak_rss_kb()}))


if __name__ == "__main__":
    main()
