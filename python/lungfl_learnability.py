"""Can the reference cnn3d-v1 learn a LungFL dataset cache at all, independently of LungFL's trainer?

Trains python/lungfl_model.py on a cache made by `lungfl dataset import` with the recipe of the
demo plan (Adam, BCE with positive-class weight, random flips and shifts, batch 8) and prints,
per epoch, the training loss and the AUC on the training and test caches. The same learning
curve from LungFL (DJL) and from PyTorch means a result is about the model and the data, not
about our trainer.

--insert-sphere-mm D adds a sphere of D mm at --insert-hu HU (a clean, solid "nodule") at a
random place inside the lungs of every cancer patient, train and test: a dial for how large and
clear a lesion has to be before cnn3d-v1 learns it within a given budget.

    /usr/bin/python3 python/lungfl_learnability.py --train CACHE --test CACHE --epochs 8 [--insert-sphere-mm 30]

The defaults match the demo plan (spacing 8 x 5 x 5 mm, HU window [-1000, 400], mean 0.25).
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lungfl_model import LungCnn3dV1  # noqa: E402


def load_cache(cache):
    with open(os.path.join(cache, "manifest.json")) as f:
        manifest = json.load(f)
    patients = manifest["patients"]
    keys = sorted(patients)
    if not keys:
        raise SystemExit(f"{cache}: the manifest lists no patients")
    x = np.stack([np.load(os.path.join(cache, patients[k]["file"])).astype(np.float32) for k in keys])
    y = np.array([patients[k]["label"] for k in keys], np.float32)
    return keys, x, y


def auc(scores, labels):
    """Mann-Whitney AUC, ties counting one half; NaN without both classes."""
    pos, neg = scores[labels == 1], scores[labels == 0]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    return float((pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean())


def lung_voxels(volume, threshold):
    """Voxels below threshold that are enclosed in their axial slice: the lungs, not the air around the body."""
    from scipy import ndimage
    inside = np.zeros(volume.shape, bool)
    for z in range(volume.shape[0]):
        labels, n = ndimage.label(volume[z] < threshold)
        border = set(np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])))
        inside[z] = np.isin(labels, [i for i in range(1, n + 1) if i not in border])
    return np.argwhere(ndimage.binary_erosion(inside, iterations=2))


def insert_spheres(keys, x, y, args, rng):
    lo, hi = args.hu_window
    value = (args.insert_hu - lo) / (hi - lo) - args.mean
    lung_threshold = (-400 - lo) / (hi - lo) - args.mean
    spacing = np.array(args.spacing)
    grid = np.stack(np.meshgrid(*[np.arange(s) for s in x.shape[1:]], indexing="ij"), -1)
    for i in np.flatnonzero(y == 1):
        candidates = lung_voxels(x[i], lung_threshold)
        if len(candidates) == 0:
            raise SystemExit(f"patient {keys[i]}: no lung voxels below -400 HU to put a sphere in")
        centre = candidates[rng.integers(len(candidates))]
        distance = np.sqrt((((grid - centre) * spacing) ** 2).sum(-1))
        # Partial volume: a voxel is blended by how far its centre lies inside the surface (one voxel ramp).
        weight = np.clip((args.insert_sphere_mm / 2 - distance) / spacing.max() + 0.5, 0, 1).astype(np.float32)
        x[i] = x[i] * (1 - weight) + value * weight


def augment(batch, rng):
    """Random flip along each axis and a shift of up to 1/16 of each dimension (edge values fill in), as LungFL does."""
    out = np.empty_like(batch)
    for j, v in enumerate(batch):
        for axis in range(3):
            if rng.random() < 0.5:
                v = np.flip(v, axis)
        pad = [(s // 16, s // 16) for s in v.shape]
        shifted = np.pad(v, pad, mode="edge")
        start = [p[0] + rng.integers(-p[0], p[0] + 1) for p in pad]
        out[j] = shifted[tuple(slice(s, s + n) for s, n in zip(start, v.shape))]
    return out


def scores(model, x, batch):
    model.eval()
    with torch.no_grad():
        return torch.cat([model(torch.from_numpy(x[i:i + batch, None])).flatten() for i in range(0, len(x), batch)]).numpy()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--train", required=True, help="dataset cache to train on")
    p.add_argument("--test", required=True, help="dataset cache to score after each epoch")
    p.add_argument("--epochs", type=int, default=8)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--no-augment", action="store_true")
    p.add_argument("--insert-sphere-mm", type=float, default=0.0)
    p.add_argument("--insert-hu", type=float, default=40.0)
    p.add_argument("--spacing", type=float, nargs=3, default=[8.0, 5.0, 5.0], help="the plan's spacing_mm (z y x)")
    p.add_argument("--hu-window", type=float, nargs=2, default=[-1000.0, 400.0])
    p.add_argument("--mean", type=float, default=0.25)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    train_keys, xtr, ytr = load_cache(args.train)
    test_keys, xte, yte = load_cache(args.test)
    if args.insert_sphere_mm > 0:
        insert_spheres(train_keys, xtr, ytr, args, rng)
        insert_spheres(test_keys, xte, yte, args, rng)
    positives = ytr.sum()
    if positives == 0 or positives == len(ytr):
        raise SystemExit(f"{args.train}: needs patients of both classes, has {int(positives)} of {len(ytr)} with cancer")

    model = LungCnn3dV1()
    optimiser = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor((len(ytr) - positives) / positives))
    print(f"train {len(ytr)} patients ({int(positives)} cancer), test {len(yte)} ({int(yte.sum())} cancer), "
          f"sphere {args.insert_sphere_mm:g} mm, augment {not args.no_augment}", flush=True)
    for epoch in range(1, args.epochs + 1):
        model.train()
        t0, total = time.time(), 0.0
        order = rng.permutation(len(ytr))
        for i in range(0, len(order), args.batch):
            idx = order[i:i + args.batch]
            xb = xtr[idx] if args.no_augment else augment(xtr[idx], rng)
            optimiser.zero_grad()
            loss = loss_fn(model(torch.from_numpy(np.ascontiguousarray(xb[:, None]))).flatten(), torch.from_numpy(ytr[idx]))
            loss.backward()
            optimiser.step()
            total += float(loss) * len(idx)
        print(f"epoch {epoch}: loss {total / len(ytr):.4f}, train AUC {auc(scores(model, xtr, args.batch), ytr):.3f}, "
              f"test AUC {auc(scores(model, xte, args.batch), yte):.3f}, {time.time() - t0:.0f} s", flush=True)


if __name__ == "__main__":
    main()
