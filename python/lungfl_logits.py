"""Prints the reference module's eval-mode logits for a LungFL model file and an input .npy.

usage: lungfl_logits.py MODEL.safetensors INPUT.npy   (INPUT: float32 [N, 1, D, H, W])
The architecture (cnn3d-v1 or cnn3d-patch-v1) is told by the file's tensor names.
Output: one JSON line {"logits": [...], "torch": "<version>"}. Loading is strict=True, so any
missing, extra or misshapen tensor fails here.
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lungfl_model import load_safetensors, model_for  # noqa: E402


def main():
    model_path, input_path = sys.argv[1], sys.argv[2]
    torch.set_num_threads(1)
    state = load_safetensors(model_path)
    model = model_for(state)
    model.load_state_dict(state, strict=True)
    model.eval()
    x = torch.from_numpy(np.load(input_path))
    with torch.no_grad():
        logits = model(x).reshape(-1)
    print(json.dumps({"logits": [float(v) for v in logits], "torch": torch.__version__}))


if __name__ == "__main__":
    main()
