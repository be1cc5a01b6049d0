"""Options shared by several commands."""

from __future__ import annotations

import argparse
from pathlib import Path

from engine.audio.tiers import VOICE_TYPES


def add_sample_options(parser: argparse.ArgumentParser) -> None:
    """Samples and trainingOptions, shared by ``analyze`` and ``voice create``."""
    parser.add_argument("files", nargs="*", type=Path, metavar="FILE")
    parser.add_argument(
        "--manifest", type=Path, help="JSON shaped like the contract's request (audioSamples, language, …)"
    )
    parser.add_argument("--language", help="declared language (en es fr de it pt ja ko zh)")
    parser.add_argument("--voice-type", "--type", dest="voice_type", choices=VOICE_TYPES)
    for flag in ("enhance-quality", "remove-noise", "normalize-volume"):
        parser.add_argument(f"--{flag}", action=argparse.BooleanOptionalAction, default=None)
    parser.add_argument("--speaker-consistency", type=float, metavar="0..1", help="similarity threshold")
