"""Nodule candidates in NumPy/SciPy: the reference for LungFL's detector (`lungfl bench candidates`).

The same algorithm as lungfl-dicom's candidates package, written the way a researcher would with
numpy and scipy.ndimage, reading the same plan parameters (the plan's "candidates" section):

  lung mask (largest body region above -500 HU, its axial holes filled; the air below lung_hu
  inside it without pockets under 20 mL; each slice closed with a disc of lung_closing_mm and its
  holes filled) -> the lungs' box (+12 mm) -> HU clipped to hu_clip, low end outside the mask ->
  scale-normalised LoG -sigma^2 * laplace(gaussian(x, sigma)) at each sigmas_mm -> local maxima
  over 3x3x3 voxels and the neighbouring scales, >= min_response, inside the mask -> score =
  response * max(0, l1) / l3 (eigenvalues of -sigma^2 H) * (sigma / sigma0)^scale_exponent ->
  greedy non-maximum suppression within nms_mm (patient coordinates) -> the top_k best.

usage:
  lungfl_candidates.py --plan PLAN.json --cache CACHE [--patients KEY ...] [--warmup W]
      detects on the cache's int16 volumes (grid from its manifest.json)
  lungfl_candidates.py --plan PLAN.json --volume V.npy --spacing SZ SY SX
      one int16/float volume, grid at the origin with the identity axes

Prints one JSON object: per patient its candidates (voxel (z, y, x) in the given volume, position
in mm, sigma_mm, score) and the seconds (wall and CPU) of lung mask + detection, from the volume in
memory (file reading excluded), after W untimed warm-up runs on the first patient.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import scipy
from scipy import ndimage as ndi

BODY_HU = -500.0
MIN_POCKET_ML = 20.0
BOX_MARGIN_MM = 12.0
# Background connectivity within an axial slice only (4-neighbours), as a 3-D structure for ndi.label.
IN_SLICE = np.zeros((3, 3, 3), bool)
IN_SLICE[1] = ndi.generate_binary_structure(2, 1)


def fill_holes_per_slice(m):
    """Each axial slice's holes filled: background not 4-connected to the slice's edge.

    One ndi.label over the volume with an in-slice structure instead of a Python loop of
    ndi.binary_fill_holes over slices (the same result, several times faster)."""
    lab, _ = ndi.label(~m, structure=IN_SLICE)
    edge = np.concatenate([lab[:, 0, :].ravel(), lab[:, -1, :].ravel(), lab[:, :, 0].ravel(), lab[:, :, -1].ravel()])
    outside = np.zeros(lab.max() + 1, bool)
    outside[edge] = True
    outside[0] = False
    return ~outside[lab]


def close_per_slice(m, radius):
    """Closing of each axial slice with a disc of `radius` pixels, nothing beyond the slice set.

    Thresholded exact distance transforms (dilate: within the radius of the set; erode: farther
    than the radius from what is not dilated), on slices padded so the erosion does not eat what
    the dilation pushed past the edge."""
    if radius <= 0:
        return m
    pad = int(math.ceil(radius)) + 1
    r2 = radius * radius
    out = np.zeros_like(m)
    for z in np.flatnonzero(m.any(axis=(1, 2))):
        s = np.pad(m[z], pad)
        # Squared distances are whole numbers: rounding makes the comparison exact.
        dilated = np.rint(ndi.distance_transform_edt(~s) ** 2) <= r2
        out[z] = (np.rint(ndi.distance_transform_edt(dilated) ** 2) > r2)[pad:-pad, pad:-pad]
    return out


def lung_mask(hu, spacing, c):
    """The lung mask of an HU volume (float32, z-y-x) at `spacing` (mm)."""
    body = hu > BODY_HU
    lab, n = ndi.label(body)
    if n:
        sizes = np.bincount(lab.ravel())
        sizes[0] = 0
        body = lab == np.argmax(sizes)
    body = fill_holes_per_slice(body)
    lung = body & (hu < c["lung_hu"])
    lab, n = ndi.label(lung)
    if n:
        voxel_ml = spacing[0] * spacing[1] * spacing[2] / 1000.0
        keep = np.bincount(lab.ravel()) >= math.ceil(MIN_POCKET_ML / voxel_ml)
        keep[0] = False
        lung = keep[lab]
    lung = close_per_slice(lung, c["lung_closing_mm"] / spacing[1])
    return fill_holes_per_slice(lung)


def lung_box(mask, spacing):
    """Slices of the lungs' bounding box plus BOX_MARGIN_MM, or the whole volume without lungs."""
    box = []
    for a in range(3):
        hit = np.flatnonzero(mask.any(axis=tuple(b for b in range(3) if b != a)))
        if hit.size == 0:
            return (slice(0, mask.shape[0]), slice(0, mask.shape[1]), slice(0, mask.shape[2]))
        m = int(math.ceil(BOX_MARGIN_MM / spacing[a]))
        box.append(slice(max(0, hit[0] - m), min(mask.shape[a], hit[-1] + m + 1)))
    return tuple(box)


def to_patient(grid, z, y, x):
    """Voxel indices (arrays) to LPS mm, in the same order of operations as VolumeGeometry.toPatient."""
    sp = grid["spacing_mm"]
    dz, dy, dx = np.asarray(z, float) * sp[0], np.asarray(y, float) * sp[1], np.asarray(x, float) * sp[2]
    o, row, col, nrm = (np.asarray(grid[k], float) for k in ("origin_mm", "row", "column", "normal"))
    return o + dx[:, None] * row + dy[:, None] * col + dz[:, None] * nrm


def detect(hu, grid, c):
    """Candidates of an HU volume (float32) on `grid`, best first: a list of dicts."""
    spacing = grid["spacing_mm"]
    mask = lung_mask(hu, spacing, c)
    box = lung_box(mask, spacing)
    mask, hu = mask[box], hu[box]
    z0, y0, x0 = (b.start for b in box)
    low, high = c["hu_clip"]
    x = np.where(mask, np.clip(hu, low, high), low).astype(np.float32)

    sigmas_mm = c["sigmas_mm"]
    smoothed, log = [], []
    for s_mm in sigmas_mm:
        s = s_mm / spacing[1]
        # LungFL truncates the kernel at ceil(3 sigma) taps each side; scipy's radius is
        # int(truncate * sigma + 0.5), so this truncate gives the same kernel.
        g = ndi.gaussian_filter(x, s, mode="nearest", truncate=math.ceil(3 * s) / s)
        smoothed.append(g)
        log.append(-np.float32(s * s) * ndi.laplace(g, mode="nearest"))
    R = np.stack(log)
    # Maxima over space and the neighbouring scales; "nearest" along the scale axis only repeats
    # the first and last scale, which cannot change a maximum.
    peak = R == ndi.maximum_filter(R, size=3, mode="nearest")
    peak &= (R >= c["min_response"]) & mask[None]
    peak[:, [0, -1]] = False
    peak[:, :, [0, -1]] = False
    peak[:, :, :, [0, -1]] = False

    plane, w = x.shape[1] * x.shape[2], x.shape[2]
    found = []
    for si, s_mm in enumerate(sigmas_mm):
        i = np.flatnonzero(peak[si])
        if i.size == 0:
            continue
        g = smoothed[si].ravel().astype(np.float64)
        at = lambda o: g[i + o]  # noqa: E731
        cc = at(0)
        H = np.empty((i.size, 3, 3))
        H[:, 0, 0] = at(plane) - 2 * cc + at(-plane)
        H[:, 1, 1] = at(w) - 2 * cc + at(-w)
        H[:, 2, 2] = at(1) - 2 * cc + at(-1)
        H[:, 0, 1] = H[:, 1, 0] = (at(plane + w) - at(plane - w) - at(-plane + w) + at(-plane - w)) / 4
        H[:, 0, 2] = H[:, 2, 0] = (at(plane + 1) - at(plane - 1) - at(-plane + 1) + at(-plane - 1)) / 4
        H[:, 1, 2] = H[:, 2, 1] = (at(w + 1) - at(w - 1) - at(-w + 1) + at(-w - 1)) / 4
        s = s_mm / spacing[1]
        ev = np.linalg.eigvalsh(-(s * s) * H)  # ascending: a bright ball has all three positive
        v = R[si].ravel()[i].astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            score = v * (np.maximum(0, ev[:, 0]) / ev[:, 2]) * (s_mm / sigmas_mm[0]) ** c["scale_exponent"]
        keep = (ev[:, 2] > 0) & (score > 0)
        zz, yy, xx = np.unravel_index(i[keep], x.shape)
        found.append((score[keep], zz, yy, xx, np.full(zz.size, s_mm)))
    if not found:
        return []
    score, zz, yy, xx, sig = (np.concatenate(a) for a in zip(*found))
    order = np.argsort(-score, kind="stable")  # ties keep scale, then raster order, as LungFL's stable sort
    crop_grid = dict(grid, origin_mm=to_patient(grid, [z0], [y0], [x0])[0])
    pos = to_patient(crop_grid, zz, yy, xx)

    kept = []
    for j in order:
        if kept:
            d = pos[kept] - pos[j]
            if np.sqrt((d * d).sum(axis=1)).min() < c["nms_mm"]:
                continue
        kept.append(j)
        if len(kept) == c["top_k"]:
            break
    return [{"voxel": [int(zz[j] + z0), int(yy[j] + y0), int(xx[j] + x0)], "position_mm": pos[j].tolist(),
             "sigma_mm": float(sig[j]), "score": float(score[j])} for j in kept]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--plan", required=True, help="plan JSON with a candidates section")
    ap.add_argument("--cache", help="dataset cache (manifest.json + <key>.npy)")
    ap.add_argument("--patients", nargs="*", help="cache keys (default: all)")
    ap.add_argument("--volume", help="one .npy volume (with --spacing)")
    ap.add_argument("--spacing", type=float, nargs=3)
    ap.add_argument("--warmup", type=int, default=1, help="untimed runs on the first patient (default: 1)")
    a = ap.parse_args()
    with open(a.plan) as f:
        c = json.load(f)["candidates"]
    jobs = []
    if a.cache:
        with open(os.path.join(a.cache, "manifest.json")) as f:
            patients = json.load(f)["patients"]
        for key in a.patients or sorted(patients):
            e = patients[key]
            jobs.append((key, os.path.join(a.cache, e["file"]), e["lesion"]["grid"]))
    elif a.volume and a.spacing:
        jobs.append((os.path.basename(a.volume), a.volume, {"origin_mm": [0, 0, 0], "row": [1, 0, 0], "column": [0, 1, 0],
                                                           "normal": [0, 0, 1], "spacing_mm": a.spacing}))
    else:
        ap.error("give --cache, or --volume with --spacing")
    volumes = [np.load(path).astype(np.float32) for _, path, _ in jobs]  # reading is not timed
    for _ in range(a.warmup if jobs else 0):
        detect(volumes[0], jobs[0][2], c)
    out = []
    for (key, _, grid), hu in zip(jobs, volumes):
        t, cpu = time.perf_counter(), time.process_time()
        cands = detect(hu, grid, c)
        out.append({"key": key, "shape": list(hu.shape), "seconds": time.perf_counter() - t,
                    "cpu_seconds": time.process_time() - cpu, "candidates": cands})
    print(json.dumps({"numpy": np.__version__, "scipy": scipy.__version__, "python": sys.version.split()[0],
                      "patients": out}))


if __name__ == "__main__":
    main()
