"""Reference PyTorch implementations of LungFL's models.

LungFL writes its weights as safetensors whose tensor names are exactly these modules'
state_dict names, so anyone with PyTorch can use a LungFL model:

    from lungfl_model import LungCnn3dPatchV1, load_safetensors
    model = LungCnn3dPatchV1()                      # plans demo/standard (architecture cnn3d-patch-v1)
    model.load_state_dict(load_safetensors("model.safetensors"), strict=True)
    model.eval()
    probability = torch.sigmoid(model(patch[None, None]))   # patch: float32 [32, 32, 32]

cnn3d-patch-v1 scores one candidate's patch (centred on the candidate, HU clipped to the plan's
window, scaled to [0, 1], minus the plan's mean); the patient's probability is the max (or leaky
noisy-OR) over its candidates. LungCnn3dV1 (plan whole-volume, architecture cnn3d-v1) scores a
whole preprocessed chest volume. Only the Python standard library and torch are needed.
"""
import json
import struct

import torch
from torch import nn

CHANNELS = (16, 32, 64, 128)
PATCH_CHANNELS = (8, 16, 32, 64)
HIDDEN = 64


class ConvBlock(nn.Module):
    """Conv3d 3x3x3 (no bias: BatchNorm shifts anyway) -> BatchNorm3d -> ReLU -> MaxPool3d(2)."""

    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv = nn.Conv3d(c_in, c_out, kernel_size=3, padding=1, bias=False)
        self.bn = nn.BatchNorm3d(c_out)  # momentum 0.1, eps 1e-5 as in LungFL
        self.relu = nn.ReLU(inplace=True)
        self.pool = nn.MaxPool3d(2)

    def forward(self, x):
        return self.pool(self.relu(self.bn(self.conv(x))))


def conv_blocks(channels):
    """The four ConvBlocks both models share, named blocks.0 .. blocks.3 as in LungFL's files."""
    blocks, c_in = [], 1
    for c in channels:
        blocks.append(ConvBlock(c_in, c))
        c_in = c
    return nn.Sequential(*blocks), c_in


class LungCnn3dV1(nn.Module):
    """Input [N, 1, D, H, W] preprocessed CT, output [N, 1] cancer logit."""

    def __init__(self):
        super().__init__()
        self.blocks, c_in = conv_blocks(CHANNELS)
        self.pool = nn.AdaptiveAvgPool3d(1)
        self.fc1 = nn.Linear(c_in, HIDDEN)
        self.relu = nn.ReLU(inplace=True)
        self.dropout = nn.Dropout(0.3)
        self.fc2 = nn.Linear(HIDDEN, 1)

    def forward(self, x):
        x = self.pool(self.blocks(x)).flatten(1)
        return self.fc2(self.dropout(self.relu(self.fc1(x))))


class LungCnn3dPatchV1(nn.Module):
    """Input [N, 1, P, P, P] candidate patches (P a multiple of 16), output [N, 1] logit of 'a malignant nodule at the centre'."""

    def __init__(self):
        super().__init__()
        self.blocks, c_in = conv_blocks(PATCH_CHANNELS)
        self.pool = nn.AdaptiveAvgPool3d(1)
        self.fc = nn.Linear(c_in, 1)

    def forward(self, x):
        return self.fc(self.pool(self.blocks(x)).flatten(1))


ARCHITECTURES = {"cnn3d-v1": LungCnn3dV1, "cnn3d-patch-v1": LungCnn3dPatchV1}


def model_for(state):
    """The module whose state_dict these tensors are (cnn3d-patch-v1 has 'fc.weight', cnn3d-v1 'fc1.weight')."""
    return LungCnn3dPatchV1() if "fc.weight" in state else LungCnn3dV1()


_DTYPES = {"F32": (torch.float32, 4), "I64": (torch.int64, 8)}


def load_safetensors(path):
    """Reads a safetensors file (F32 and I64 tensors) into an ordered dict of tensors."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError(f"{path}: too short for a safetensors file")
    (header_len,) = struct.unpack("<Q", data[:8])
    if 8 + header_len > len(data):
        raise ValueError(f"{path}: header of {header_len} bytes does not fit in {len(data)}")
    header = json.loads(data[8:8 + header_len].decode("utf-8"))
    body = memoryview(data)[8 + header_len:]
    state = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype, size = _DTYPES[info["dtype"]]
        begin, end = info["data_offsets"]
        shape = info["shape"]
        count = 1
        for d in shape:
            count *= d
        if end - begin != count * size or end > len(body):
            raise ValueError(f"{path}: tensor {name} has bad offsets {begin}..{end}")
        t = torch.frombuffer(bytearray(body[begin:end]), dtype=dtype) if count else torch.empty(0, dtype=dtype)
        state[name] = t.reshape(shape).clone()
    return state
