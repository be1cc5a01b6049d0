"""The embedded engine per voice: preparation time, synthesis speed, speaker similarity, content check.

    python bench/embedded_bench.py

Per speaker of the test voices: an instant-tier voice from the first ~30 s of shuffled clips, and
one from 40 clips; 30 other clips held out. Ten sentences in the speaker's language. Similarity is
the cosine of resemblyzer embeddings of each sentence against the held-out clips together, computed
the way resemblyzer documents it (``preprocess_wav`` then ``embed_utterance``: overlapping 1.6 s
partials over the whole sentence); "fast" is the engine's own cheaper embedding (non-overlapping
partials, so a 2-3 s sentence is judged on its first 1.6 s only), kept for comparison with earlier
figures. The content check compares each sentence with the base espeak-ng rendering
(engine/audio/content_check.py).
One core (affinity, OMP_NUM_THREADS=1, torch one thread).
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import json
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    import torch

    torch.set_num_threads(1)
    from bench.ingest_bench import voices_dir
    from engine.audio.content_check import THRESHOLD, check
    from engine.audio.decode import Limits
    from engine.audio.ingest import CleaningOptions, Ingestor
    from engine.errors import AudioError
    from engine.speech.backends.base import TrainingSample
    from engine.speech.backends.embedded import EmbeddedBackend, _pace
    from engine.speech.espeak import RATE, espeak
    from engine.speech.render import SpeechOptions
    from tests.engine.speech.test_embedded_quality import SENTENCES

    ingestor = Ingestor(Limits())
    encoder = ingestor.encoder

    standard = encoder.embed_utterance
    results = {}
    for speaker, language in (("allison_en", "en"), ("carlo_it", "it")):
        files = sorted((voices_dir() / speaker).glob("*.ogg"))
        random.Random(0).shuffle(files)
        processed = []
        for path in files[:40] + files[-30:]:
            try:
                processed.append((path, ingestor.from_file(path, CleaningOptions())))
            except AudioError:
                processed.append((path, None))
        train = [TrainingSample(p.audio, p.rate, language) for _, p in processed[:40] if p]
        held_clips = [p.audio for _, p in processed[40:] if p]
        held_audio = np.concatenate(held_clips)
        held, held_standard = encoder.embed(held_audio, 24000), standard(held_audio, 24000)
        # The ceiling: one real held-out clip against the other held-out clips.
        real = []
        for i, clip in enumerate(held_clips[:8]):
            rest = np.concatenate(held_clips[:i] + held_clips[i + 1 :])
            real.append(float(standard(clip, 24000) @ standard(rest, 24000)))
        print(json.dumps({f"{speaker} real held-out clip": round(float(np.mean(real)), 3)}), flush=True)
        instant, total = [], 0.0
        for sample in train:
            instant.append(sample)
            total += len(sample.audio) / sample.rate
            if total >= 30:
                break
        for label, samples in (
            (f"instant ({total:.0f} s)", instant),
            (f"40 clips ({sum(len(s.audio) / s.rate for s in train):.0f} s)", train),
        ):
            backend = EmbeddedBackend(encoder)
            started = time.perf_counter()
            voice = backend.load(backend.prepare(samples, "instant", lambda s, p: None, languages=[language]))
            prepare_s = time.perf_counter() - started
            list(backend.synthesize(voice, SENTENCES[language][0], language, SpeechOptions()))  # warm-up
            adapted, raw, fast, fast_raw, content = [], [], [], [], []
            audio_s, synth_s = 0.0, 0.0
            for sentence in SENTENCES[language]:
                started = time.perf_counter()
                chunks = list(backend.synthesize(voice, sentence, language, SpeechOptions()))
                synth_s += time.perf_counter() - started
                out = np.concatenate([c.audio for c in chunks])
                audio_s += len(out) / RATE
                plain = espeak().synth(sentence, language)
                adapted.append(float(standard(out, RATE) @ held_standard))
                raw.append(float(standard(plain, RATE) @ held_standard))
                fast.append(float(encoder.embed(out, RATE) @ held))
                fast_raw.append(float(encoder.embed(plain, RATE) @ held))
                base = espeak().synth(sentence, language, voice_variant=voice.variants[language])
                content.append(check(out, base, RATE).score)
            results[f"{speaker} {label}"] = {
                "prepare_s": round(prepare_s, 2),
                "synthesis_x_real_time": round(audio_s / synth_s, 1),
                "similarity_mean": round(float(np.mean(adapted)), 3),
                "similarity_min": round(min(adapted), 3),
                "raw_espeak_similarity_mean": round(float(np.mean(raw)), 3),
                "fast_similarity_mean": round(float(np.mean(fast)), 3),
                "fast_raw_espeak_similarity_mean": round(float(np.mean(fast_raw)), 3),
                "content_score_max": round(max(content), 3),
                "content_threshold": THRESHOLD,
                "variant": voice.variants[language],
                "pace_wpm": _pace(voice.target, voice.sources[language]),
            }
            print(json.dumps({f"{speaker} {label}": results[f"{speaker} {label}"]}, indent=2), flush=True)


if __name__ == "__main__":
    main()
