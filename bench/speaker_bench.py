"""Calibration of the consent speaker check (engine/audio/speaker_check.py): false accepts and false
rejects of one 3.2 s stretch of speech against a consent recording, same speaker and other speakers,
across languages; then whole files (one speaker, two speakers, degraded).

    python bench/speaker_bench.py [--no-download]

Speakers: the test voices (Allison, English; Carlo, Italian) and, unless ``--no-download``, three
more from Debian's Asterisk prompt packages fetched with ``apt-get download`` into
``~/.cache/voicebot-bench`` (Allison again in Mexican Spanish — the same speaker in another
language —, June Wallack in Canadian French, the Russian prompt voice). Consent recordings: ~5 s of
one speaker's clips (what reading the challenge gives). Samples: ~12 s of other clips, cut into the
check's windows. Every clip goes through the real ingest (decode, VAD trim, level) first.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CACHE = Path.home() / ".cache" / "voicebot-bench" / "voices"
PACKAGES = {  # speaker folder → (Debian package, folder inside it)
    "allison_es": ("asterisk-core-sounds-es-g722", "es_MX_f_Allison"),
    "june_fr": ("asterisk-core-sounds-fr-g722", "fr_CA_f_June"),
    "ivr_ru": ("asterisk-core-sounds-ru-g722", "ru_RU_f_IvrvoiceRU"),
}
PERSON = {
    "allison_en": "allison",
    "allison_es": "allison",
    "carlo_it": "carlo",
    "june_fr": "june",
    "ivr_ru": "ru",
}
THRESHOLDS = [0.6, 0.65, 0.7, 0.72, 0.74, 0.76, 0.78, 0.8, 0.85]


def fetch_extra() -> None:
    """The three extra speakers as Ogg/Opus clips (like the test voices), once."""
    from engine.audio.ffmpeg import ffmpeg_exe

    for speaker, (package, inner) in PACKAGES.items():
        target = CACHE / speaker
        if target.is_dir() and any(target.iterdir()):
            continue
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(["apt-get", "download", package], cwd=tmp, check=True, capture_output=True)
            deb = next(Path(tmp).glob("*.deb"))
            subprocess.run(["dpkg-deb", "-x", str(deb), tmp], check=True)
            source = next(Path(tmp).rglob(inner))
            target.mkdir(parents=True, exist_ok=True)
            for clip in sorted(source.glob("*.g722")):  # top level: the prompts, not digits/letters
                subprocess.run(
                    [ffmpeg_exe(), "-v", "error", "-f", "g722", "-i", str(clip), "-c:a", "libopus",
                     "-b:a", "32k", "-ar", "48000", str(target / f"{clip.stem}.ogg")],
                    check=True,
                )  # fmt: skip


def speech(folders: dict[str, Path]) -> dict[str, list[np.ndarray]]:
    """Each speaker's clips through the real ingest, shuffled, those with ≥ 1 s of speech."""
    from engine.audio.decode import Limits
    from engine.audio.ingest import CleaningOptions, Ingestor
    from engine.errors import AudioError

    ingestor = Ingestor(Limits())
    out = {}
    for speaker, folder in folders.items():
        files = sorted(folder.glob("*.ogg"))
        random.Random(7).shuffle(files)
        clips = []
        for path in files[:90]:
            try:
                sample = ingestor.from_file(path, CleaningOptions())
            except AudioError:
                continue
            if sample.speech_duration >= 1.0:
                clips.append(sample.audio)
        out[speaker] = clips
    return out


def pieces(clips: list[np.ndarray], seconds: float, count: int, rate: int) -> list[np.ndarray]:
    """``count`` stretches of about ``seconds`` of consecutive clips, none shared."""
    out, current = [], []
    for clip in clips:
        current.append(clip)
        if sum(len(c) for c in current) >= seconds * rate:
            out.append(np.concatenate(current))
            current = []
            if len(out) == count:
                break
    return out


def rates(same: list[float], other: list[float]) -> list[dict[str, object]]:
    def share(hits: int, total: int) -> str:
        return f"{hits}/{total} ({100 * hits / total:.1f} %)"

    return [
        {
            "threshold": th,
            "false_reject": share(sum(s < th for s in same), len(same)),
            "false_accept": share(sum(s >= th for s in other), len(other)),
        }
        for th in THRESHOLDS
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-download", action="store_true")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    import torch

    torch.set_num_threads(1)
    from bench.ingest_bench import voices_dir
    from engine.audio.ingest import WORK_RATE as RATE
    from engine.audio.speaker import SpeakerEncoder
    from engine.audio.speaker_check import reference
    from tests.audio import snr_mix

    folders = {name: voices_dir() / name for name in ("allison_en", "carlo_it")}
    if not args.no_download:
        try:
            fetch_extra()
            folders |= {name: CACHE / name for name in PACKAGES}
        except (subprocess.CalledProcessError, OSError, StopIteration) as exc:
            print(json.dumps({"extra speakers": f"not fetched ({exc}); two speakers only"}))
    encoder = SpeakerEncoder()
    clips = speech(folders)
    consents, samples = {}, {}
    for speaker, own in clips.items():
        half = len(own) // 3
        consents[speaker] = [reference(encoder, p, RATE) for p in pieces(own[:half], 5, 6, RATE)]
        samples[speaker] = pieces(own[half:], 12, 6, RATE)
    windows = {
        speaker: [e for p in files for _, e in encoder.embed_windows(p, RATE)]
        for speaker, files in samples.items()
    }
    same, cross_language, other = [], [], []
    for consent_of, refs in consents.items():
        for window_of, embeddings in windows.items():
            scores = [float(e @ r) for r in refs for e in embeddings]
            if window_of == consent_of:
                same += scores
            elif PERSON[window_of] == PERSON[consent_of]:
                cross_language += scores
            else:
                other += scores
    report: dict[str, object] = {
        "speakers": {s: len(c) for s, c in clips.items()},
        "pairs": {"same": len(same), "same person, other language": len(cross_language), "other": len(other)},
        "same speaker": {"min": round(min(same), 3), "p5": round(float(np.percentile(same, 5)), 3)},
        "other speakers": {"max": round(max(other), 3), "p95": round(float(np.percentile(other, 95)), 3)},
        "rates (same language)": rates(same, other),
    }
    if cross_language:
        report["same person, other language"] = {
            "min": round(min(cross_language), 3),
            "p5": round(float(np.percentile(cross_language, 5)), 3),
            "rates": rates(cross_language, other),
        }
    # Whole files, decided as the product does (engine.audio.speaker_check: two low windows in a
    # row, or a short file's only window): every speaker's files against every consent recording.
    from engine.audio.speaker_check import SpeakerMatch

    def decided(ref: np.ndarray, embedded: list, threshold: float) -> bool:
        return SpeakerMatch(tuple((s, float(e @ ref)) for s, e in embedded), threshold).matches

    embedded = {sp: [encoder.embed_windows(f, RATE) for f in files] for sp, files in samples.items()}
    mixed = {  # 11 s of the consent's speaker, then 12 s of another (same-language speakers only)
        (a, b): [encoder.embed_windows(np.concatenate([p[: 11 * RATE], q[: 12 * RATE]]), RATE)
                 for p, q in zip(samples[a], samples[b], strict=False)]
        for a in samples for b in samples if PERSON[a] != PERSON[b]
    }  # fmt: skip
    files_report = []
    for th in THRESHOLDS:
        same_files = [decided(r, f, th) for sp in samples for r in consents[sp] for f in embedded[sp]]
        other_files = [
            decided(r, f, th)
            for sp in samples for other_sp in samples if PERSON[sp] != PERSON[other_sp]
            for r in consents[sp] for f in embedded[other_sp]
        ]  # fmt: skip
        caught = [
            not decided(r, f, th) for (a, _), group in mixed.items() for r in consents[a] for f in group
        ]
        files_report.append({
            "threshold": th,
            "one speaker, rejected": f"{same_files.count(False)}/{len(same_files)}",
            "another speaker, accepted": f"{other_files.count(True)}/{len(other_files)}",
            "11 s right + 12 s other, caught": f"{sum(caught)}/{len(caught)}",
        })  # fmt: skip
    report["files (12 s; two low windows in a row decide)"] = files_report
    # Degraded copies of the right speaker score like another speaker: the quality gate tells them.
    a = "allison_en"
    ref = consents[a][0]
    degraded = {
        "clean": samples[a],
        "clipped (driven 4x)": [np.clip(p * 4, -0.25, 0.25) / 0.25 * 0.9 for p in samples[a]],
        "noise 10 dB": [snr_mix(p, 10, seed=i) for i, p in enumerate(samples[a])],
        "noise 0 dB": [snr_mix(p, 0, seed=i) for i, p in enumerate(samples[a])],
    }
    report["Allison's files, degraded, lowest window against her consent"] = {
        label: [round(min(float(e @ ref) for _, e in encoder.embed_windows(f, RATE)), 3) for f in group]
        for label, group in degraded.items()
    }
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
