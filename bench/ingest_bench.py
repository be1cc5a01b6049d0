"""Ingest + clean + analyse N minutes of the test voices on one core; prints speed and peak memory.

    python bench/ingest_bench.py [--minutes 5] [--note-seconds 30] [--remove-noise]

Voice notes are built (untimed) by joining consecutive clips of each speaker into OGG/Opus files of
about ``--note-seconds`` (0 keeps the original clips, 1–25 s telephone prompts). The timed part is
what the bot does per upload: hardened decode, VAD, measurements, cleaning, trimming, speaker
embedding; then the set analysis.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before numpy/torch load their thread pools

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def voices_dir() -> Path:
    shared = ROOT.parent / "shared" / "testdata" / "voices"
    return shared if shared.is_dir() else ROOT / "tests" / "data" / "voices"


def build_notes(folder: Path, minutes: float, note_seconds: float) -> list[Path]:
    import numpy as np

    from engine.audio.decode import Limits, decode_file
    from engine.audio.ffmpeg import ffmpeg_exe

    speakers = sorted(p for p in voices_dir().iterdir() if p.is_dir())
    budget = minutes * 60 / len(speakers)
    notes = []
    for speaker in speakers:
        total, parts = 0.0, []
        for clip in sorted(speaker.glob("*.ogg")):
            if total >= budget:
                break
            if note_seconds <= 0:
                notes.append(clip)
                total += decode_file(clip, 24000, Limits()).duration
                continue
            audio = decode_file(clip, 24000, Limits()).samples
            parts += [audio, np.zeros(7200, np.float32)]
            if sum(len(p) for p in parts) >= note_seconds * 24000:
                joined = np.concatenate(parts)
                parts = []
                total += len(joined) / 24000
                path = folder / f"{speaker.name}-{len(notes):03d}.ogg"
                subprocess.run(
                    [
                        ffmpeg_exe(),
                        "-v",
                        "error",
                        "-f",
                        "f32le",
                        "-ar",
                        "24000",
                        "-ac",
                        "1",
                        "-i",
                        "pipe:0",
                        "-c:a",
                        "libopus",
                        "-ar",
                        "48000",
                        str(path),
                    ],
                    input=joined.astype("<f4").tobytes(),
                    check=True,
                    timeout=120,
                )
                notes.append(path)
    return notes


def run_once(ingestor, notes, options):
    """The timed work: every upload through the pipeline, then the set analysis."""
    from engine.audio.analysis import SampleInput, analyze
    from engine.audio.decode import decode_file
    from engine.errors import AudioError

    inputs, rejected, rejected_s = [], [], 0.0
    for path in notes:
        try:
            inputs.append(SampleInput(str(path), ingestor.from_file(path, options)))
        except AudioError as exc:  # e.g. a beep among the prompts: refused, but the work counts
            rejected.append(f"{path.parent.name}/{path.name}: {exc.code}")
            rejected_s += decode_file(path, 24000, ingestor.limits).duration
    if inputs:
        analyze(inputs, "en", "premium")
    return inputs, rejected, sum(i.sample.duration for i in inputs) + rejected_s


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--note-seconds", type=float, default=30.0)
    parser.add_argument("--remove-noise", action="store_true", help="also run noise reduction")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs; the median is reported")
    parser.add_argument("--json", type=Path, help="write the result here too")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core, children included

    import torch

    torch.set_num_threads(1)
    from engine.audio.decode import Limits
    from engine.audio.ingest import CleaningOptions, Ingestor

    options = CleaningOptions(enhance_quality=True, remove_noise=args.remove_noise, normalize_volume=True)
    with tempfile.TemporaryDirectory() as tmp:
        notes = build_notes(Path(tmp), args.minutes, args.note_seconds)
        started = time.perf_counter()
        ingestor = Ingestor(Limits())
        run_once(ingestor, notes[:2], options)  # warm-up: first calls compile and allocate
        load_s = time.perf_counter() - started
        walls = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            _, rejected, audio = run_once(ingestor, notes, options)
            walls.append(time.perf_counter() - started)
    wall = sorted(walls)[len(walls) // 2]
    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, 1 used, py{platform.python_version()}",
        "files": len(notes),
        "rejected": rejected,
        "note_seconds": args.note_seconds,
        "remove_noise": args.remove_noise,
        "audio_seconds": round(audio, 1),
        "wall_seconds_median": round(wall, 2),
        "x_real_time_median": round(audio / wall, 1),
        "x_real_time_best": round(audio / min(walls), 1),
        "runs": len(walls),
        "model_load_and_warmup_s": round(load_s, 2),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
