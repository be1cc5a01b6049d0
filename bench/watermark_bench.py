"""The Perth watermark (engine/speech/watermark.py) after what happens to a file in the wild.

    python bench/watermark_bench.py [--segments 8]

Carriers: real speech of both test speakers (``--segments`` pieces of ~8 s each; the bot marks
whatever its engines make, and real speech is the hardest case for a mark that hides under speech)
and the embedded engine's own output (a voice made from 40 of Allison's clips, ten sentences).
Each is marked, then re-encoded (MP3 128k / 64k, OGG/Opus 32k as Telegram sends a voice note),
sped up / slowed down 10 % (rubberband, pitch kept) and mixed with white noise at 20 dB SNR; the
detector is run on each result. False positives: the same treatments of the unmarked audio. Cost:
mark/detect time per second of audio, and the speaker similarity (resemblyzer, the documented
``embed_utterance``) of marked vs unmarked audio against the speaker's other clips. One core.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RATE = 24000
CODECS = {
    "mp3_128k": ("mp3", ["-c:a", "libmp3lame", "-b:a", "128k"]),
    "mp3_64k": ("mp3", ["-c:a", "libmp3lame", "-b:a", "64k"]),
    "opus_32k": ("ogg", ["-c:a", "libopus", "-b:a", "32k", "-application", "voip", "-ar", "48000"]),
}


def treatments(audio: np.ndarray, folder: Path) -> dict[str, np.ndarray]:
    from engine.speech.render import adjust
    from tests.audio import encode, load, snr_mix

    out = {"original": audio}
    for name, (suffix, args) in CODECS.items():
        out[name] = load(encode(audio, folder / f"{name}.{suffix}", *args), RATE)
    out["speed_+10%"] = adjust(audio, RATE, speed=1.1)
    out["speed_-10%"] = adjust(audio, RATE, speed=0.9)
    out["noise_20dB"] = snr_mix(audio, 20, seed=1)
    return out


def carriers(segments: int) -> dict[str, list[np.ndarray]]:
    """Real speech in ~8 s pieces per speaker, and embedded-engine sentences."""
    from bench.ingest_bench import voices_dir
    from engine.audio.decode import Limits
    from engine.audio.ingest import CleaningOptions, Ingestor
    from engine.errors import AudioError
    from engine.speech.backends.base import TrainingSample
    from engine.speech.backends.embedded import EmbeddedBackend
    from engine.speech.render import SpeechOptions
    from tests.audio import load
    from tests.engine.speech.test_embedded_quality import SENTENCES

    found: dict[str, list[np.ndarray]] = {}
    for speaker in ("allison_en", "carlo_it"):
        files = sorted((voices_dir() / speaker).glob("*.ogg"))
        random.Random(1).shuffle(files)
        pieces, current = [], []
        for path in files:
            current.append(load(path, RATE))
            if sum(len(c) for c in current) >= 8 * RATE:
                pieces.append(np.concatenate(current))
                current = []
            if len(pieces) == segments:
                break
        found[f"real {speaker}"] = pieces
    ingestor = Ingestor(Limits())
    files = sorted((voices_dir() / "allison_en").glob("*.ogg"))[:40]
    samples = []
    for path in files:
        try:
            p = ingestor.from_file(path, CleaningOptions())
        except AudioError:
            continue
        samples.append(TrainingSample(p.audio, p.rate, "en"))
    backend = EmbeddedBackend(ingestor.encoder)
    voice = backend.load(backend.prepare(samples, "standard", lambda s, p: None, languages=["en"]))
    spoken = []
    for sentence in SENTENCES["en"]:
        chunks = list(backend.synthesize(voice, sentence, "en", SpeechOptions()))
        spoken.append(np.concatenate([c.audio for c in chunks]))
    found["embedded engine (allison)"] = spoken
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--segments", type=int, default=8)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    import torch

    torch.set_num_threads(1)
    from engine.audio.speaker import SpeakerEncoder
    from engine.speech.watermark import THRESHOLD, Watermarker

    marker, encoder = Watermarker(), SpeakerEncoder()
    marker.ready()
    results: dict[str, object] = {}
    mark_s = detect_s = audio_s = 0.0
    similarity_cost = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, pieces in carriers(args.segments).items():
            hits: dict[str, list[float]] = {}
            false: dict[str, list[float]] = {}
            for i, audio in enumerate(pieces):
                started = time.perf_counter()
                marked = marker.mark(audio, RATE)
                mark_s += time.perf_counter() - started
                audio_s += len(audio) / RATE
                for label, treated in treatments(marked, folder).items():
                    started = time.perf_counter()
                    hits.setdefault(label, []).append(marker.score(treated, RATE))
                    detect_s += time.perf_counter() - started
                for label, treated in treatments(audio, folder).items():
                    false.setdefault(label, []).append(marker.score(treated, RATE))
                if name.startswith("real"):  # against the same speaker's other pieces
                    rest = np.concatenate(pieces[:i] + pieces[i + 1 :])
                    reference = encoder.embed_utterance(rest, RATE)
                    plain = float(encoder.embed_utterance(audio, RATE) @ reference)
                    after = float(encoder.embed_utterance(marked, RATE) @ reference)
                    similarity_cost.append(plain - after)
            results[name] = {
                label: {
                    "detected": f"{sum(s >= THRESHOLD for s in scores)}/{len(scores)}",
                    "score_min": round(min(scores), 3),
                    "false_positives": f"{sum(s >= THRESHOLD for s in false[label])}/{len(scores)}",
                    "unmarked_score_max": round(max(false[label]), 3),
                }
                for label, scores in hits.items()
            }
            print(json.dumps({name: results[name]}, indent=1), flush=True)
    from bench.ingest_bench import voices_dir
    from engine.speech.watermark import MIN_SECONDS
    from tests.audio import load

    clips = [load(p, RATE) for p in sorted(voices_dir().glob("*/*.ogg"))]
    scores = [marker.score(c, RATE) for c in clips if len(c) >= MIN_SECONDS * RATE]
    results["every real clip, unmarked"] = {
        "false_positives": f"{sum(s >= THRESHOLD for s in scores)}/{len(scores)}",
        "score_max": round(max(scores), 3),
    }
    print(json.dumps({"every real clip, unmarked": results["every real clip, unmarked"]}), flush=True)
    results["cost"] = {
        "mark_x_real_time_one_core": round(audio_s / mark_s, 1),
        "detect_s_per_audio_s": round(detect_s / (audio_s * 7), 3),
        "speaker_similarity_drop_mean": round(float(np.mean(similarity_cost)), 4),
        "speaker_similarity_drop_max": round(float(np.max(similarity_cost)), 4),
    }
    print(json.dumps({"cost": results["cost"]}, indent=1), flush=True)


if __name__ == "__main__":
    main()
