"""XTTS engine speed on this machine: cloning (latents), synthesis real-time factor, fine-tune steps.

    python bench/xtts_bench.py                    # the tiny random model (built in a temp folder)
    python bench/xtts_bench.py --model-dir DIR    # real XTTS-v2 weights, when you have them

Real-time factor = synthesis seconds ÷ audio seconds (below 1 is faster than real time). The tiny
model's GPT is 2 layers × 64 channels and emits random tokens up to the bound we set from the text
length, so its numbers measure the pipeline (HiFi-GAN decoder, speaker encoder, our code), not
XTTS-v2 quality or speed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SENTENCES = [
    "The weather is lovely today, so we will walk to the park.",
    "Please call me back when you have a moment.",
    "Our meeting starts at nine in the morning.",
    "Thank you so much for the lovely birthday present.",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model-dir", type=Path)
    parser.add_argument(
        "--clips", type=Path, help="pre-decoded clips (.npz, name -> 22050 Hz audio), no ffmpeg"
    )
    parser.add_argument("--save-clips", type=Path, help="write that .npz from the test voices and stop")
    args = parser.parse_args()
    import torch

    from engine.device import pick_device
    from engine.speech.backends.base import TrainingSample
    from engine.speech.backends.xtts import XttsBackend, XttsSettings
    from engine.speech.render import SpeechOptions
    from tests.audio import TRANSCRIPTS

    if args.save_clips:
        from tests.audio import clips, load

        chosen = clips("allison_en")[:8] + [p for p in clips("allison_en") if p.name in TRANSCRIPTS]
        np.savez(args.save_clips, **{p.name: load(p, 22050) for p in chosen})
        return
    audio = _clips(args.clips)

    with tempfile.TemporaryDirectory() as tmp:
        if args.model_dir is None:
            from tests.xtts_tiny import build

            model_dir, label = build(Path(tmp) / "tiny"), "tiny random XTTS (2 layers, 64 channels)"
        else:
            model_dir, label = args.model_dir, f"XTTS weights in {args.model_dir}"
        device = pick_device()
        backend = XttsBackend(XttsSettings(model_dir=model_dir, device=device))
        started = time.perf_counter()
        backend.warm_up()
        load_s = time.perf_counter() - started
        samples = [TrainingSample(a, 22050, "en") for name, a in list(audio.items())[:8]]
        started = time.perf_counter()
        voice = backend.load(backend.prepare(samples, "instant", lambda s, p: None, ["en"]))
        clone_s = time.perf_counter() - started
        rtfs, audio_s = [], 0.0
        for sentence in SENTENCES:
            started = time.perf_counter()
            chunks = list(backend.synthesize(voice, sentence, "en", SpeechOptions()))
            took = time.perf_counter() - started
            seconds = sum(c.duration for c in chunks)
            audio_s += seconds
            rtfs.append(took / seconds)
        result = {
            "model": label,
            "device": device,
            "threads": torch.get_num_threads(),
            "load_and_warm_up_s": round(load_s, 2),
            "clone_8_clips_s": round(clone_s, 2),
            "synthesis_rtf_median": round(statistics.median(rtfs), 3),
            "synthesis_rtf_range": [round(min(rtfs), 3), round(max(rtfs), 3)],
            "audio_seconds": round(audio_s, 1),
        }
        if (model_dir / "dvae.pth").is_file():
            names = [name for name in audio if name in TRANSCRIPTS]
            items = [TrainingSample(audio[n], 22050, "en", None, TRANSCRIPTS[n]) for n in names]
            steps: list[float] = []
            started = time.perf_counter()
            backend.finetune(
                items, names, "premium", Path(tmp) / "ft", lambda s, p: steps.append(p), lambda: False
            )
            result["finetune_premium_4_clips_s"] = round(time.perf_counter() - started, 1)
            result["finetune_device"] = device
            result["finetune_steps"] = len(steps)
        print(json.dumps(result, indent=2))


def _clips(path: Path | None) -> dict:
    """Name -> 22050 Hz audio: from a saved .npz, or decoded from the test voices."""
    if path is not None:
        with np.load(path) as saved:
            return {name: saved[name] for name in saved.files}
    from tests.audio import TRANSCRIPTS, clips, load

    chosen = clips("allison_en")[:8] + [p for p in clips("allison_en") if p.name in TRANSCRIPTS]
    return {p.name: load(p, 22050) for p in chosen}


if __name__ == "__main__":
    main()
