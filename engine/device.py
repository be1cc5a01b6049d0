"""Where models run: CUDA when present (and not ruled out by config), the CPU otherwise."""

from __future__ import annotations

import glob
import os


def _nvidia_driver() -> bool:
    """Whether an NVIDIA driver is loaded at all; without one CUDA cannot be available."""
    return os.path.exists("/proc/driver/nvidia/version") or bool(glob.glob("/dev/nvidia[0-9]*"))


def pick_device(preference: str = "auto") -> str:
    if preference == "cpu" or (preference == "auto" and not _nvidia_driver()):
        return "cpu"  # known without importing torch (~1 s and ~300 MiB a process)
    import torch

    if torch.cuda.is_available():
        return "cuda"
    if preference == "cuda":
        raise RuntimeError("config asks for engine.device = 'cuda', but no CUDA device is available")
    return "cpu"
