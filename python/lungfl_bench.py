"""Reference side of `lungfl bench train`: the same module, shapes and thread count in PyTorch.

usage: lungfl_bench.py --arch cnn3d-patch-v1|cnn3d-v1 --shape D H W --batch B --threads T --warmup W --steps S --repeats R
Prints one JSON line: median training and inference volumes/s over R timed windows of S steps
(after W warm-up steps), the peak RSS in MB and the torch version.
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lungfl_model import ARCHITECTURES  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", choices=sorted(ARCHITECTURES), default="cnn3d-v1")
    ap.add_argument("--shape", type=int, nargs=3, required=True)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = ARCHITECTURES[a.arch]()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor([1.0]))
    g = torch.Generator().manual_seed(1)
    x = torch.randn(a.batch, 1, *a.shape, generator=g) * 0.3
    y = (torch.arange(a.batch) % 2).float().reshape(-1, 1)

    def train_step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    def infer_step():
        with torch.no_grad():
            return model(x).sum().item()

    def rate(step):
        for _ in range(a.warmup):
            step()
        rates = []
        for _ in range(a.repeats):
            t = time.perf_counter()
            for _ in range(a.steps):
                step()
            rates.append(a.steps * a.batch / (time.perf_counter() - t))
        return statistics.median(rates)

    model.train()
    train = rate(train_step)
    model.eval()
    infer = rate(infer_step)
    print(json.dumps({"train_vps": train, "infer_vps": infer, "peak_rss_mb": peak_rss_mb(),
                      "torch": torch.__version__, "threads": torch.get_num_threads()}))


def peak_rss_mb():
    # VmHWM, not getrusage: Linux keeps ru_maxrss across execve, so a child of a big JVM would
    # report the JVM's peak as its own.
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


if __name__ == "__main__":
    main()
