"""Where models run: CUDA when present (and not ruled out by config), the CPU otherwise."""

from __future__ import annotations


def pick_device(preference: str = "auto") -> str:
    if preference == "cpu":
        return "cpu"
    import torch

    if torch.cuda.is_available():
        return "cuda"
    if preference == "cuda":
        raise RuntimeError("config asks for engine.device = 'cuda', but no CUDA device is available")
    return "cpu"
