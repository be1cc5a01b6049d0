"""Exploration for issue 3 (embedded engine): espeak-ng + WORLD, adapted to a speaker; not a test.

    python bench/adapt_explore.py

Per speaker: 40 clips to adapt, 30 held out; similarity = cosine of resemblyzer embeddings of each
adapted sentence against all held-out clips together. Results are in docs/embedded-engine-notes.md.
"""

import sys

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))
import os

os.environ["OMP_NUM_THREADS"] = "1"
import glob
import random
import time
from pathlib import Path

import numpy as np
import pyworld as pw

from engine.audio.cleaning import trim
from engine.audio.decode import Limits, decode_file
from engine.audio.speaker import SpeakerEncoder, to_16k
from engine.audio.vad import SileroVad
from engine.speech.espeak import RATE, espeak

enc = SpeakerEncoder()
vad = SileroVad()
SR = RATE
FP = 10.0
DIM = 40


def load(f):
    x = decode_file(Path(f), SR, Limits()).samples
    return trim(x, SR, vad.speech_segments(to_16k(x, SR)))


def analyse(x):
    x = x.astype(np.float64)
    f0, t = pw.dio(x, SR, f0_floor=60, f0_ceil=600, frame_period=FP)
    f0 = pw.stonemask(x, f0, t, SR)
    sp = pw.cheaptrick(x, f0, t, SR)
    ap = pw.d4c(x, f0, t, SR)
    return f0, sp, ap


def stats(clips):
    lf = []
    cs = []
    for x in clips:
        f0, sp, _ = analyse(x)
        v = f0 > 0
        lf.append(np.log(f0[v]))
        cs.append(pw.code_spectral_envelope(sp, SR, DIM)[v])
    lf = np.concatenate(lf)
    cs = np.concatenate(cs)
    return dict(f0m=lf.mean(), f0s=lf.std(), cm=cs.mean(0), cs=cs.std(0), pool=cs)


def convert(base, st, bst):
    f0, sp, ap = analyse(base)
    v = f0 > 0
    out = f0.copy()
    out[v] = np.exp((np.log(f0[v]) - bst["f0m"]) / bst["f0s"] * st["f0s"] + st["f0m"])
    c = pw.code_spectral_envelope(sp, SR, DIM)
    c2 = (c - bst["cm"]) / bst["cs"] * st["cs"] + st["cm"]
    if K:
        q = ((c - bst["cm"]) / bst["cs"])[:, :ND]
        P = ((st["pool"] - st["cm"]) / st["cs"])[:, :ND]
        d = (q**2).sum(1)[:, None] - 2 * q @ P.T + (P**2).sum(1)[None, :]
        idx = np.argpartition(d, K, axis=1)[:, :K]
        nn = st["pool"][idx].mean(1)
        c2 = np.where(v[:, None], W * nn + (1 - W) * c2, c2)
    sp2 = pw.decode_spectral_envelope(np.ascontiguousarray(c2), SR, pw.get_cheaptrick_fft_size(SR))
    return pw.synthesize(out, sp2, ap, SR, FP).astype(np.float32)


SENTS = [
    "The weather is lovely today, so we will walk to the park.",
    "Please call me back when you have a moment.",
    "Our meeting starts at nine in the morning.",
    "I would like a cup of coffee with milk.",
]
SENTS_IT = [
    "Oggi il tempo è bello, andiamo al parco.",
    "Per favore richiamami quando puoi.",
    "La riunione inizia alle nove del mattino.",
    "Vorrei un caffè con il latte.",
]
for spk, lang, sents in (("allison_en", "en", SENTS), ("carlo_it", "it", SENTS_IT)):
    files = sorted(
        glob.glob(
            str(
                __import__("pathlib").Path(__file__).resolve().parents[2]
                / "shared/testdata/voices"
                / spk
                / "*.ogg"
            )
        )
    )
    random.Random(0).shuffle(files)
    train = [load(f) for f in files[:40]]
    held = [load(f) for f in files[-30:]]
    held_emb = enc.embed(np.concatenate(held), SR)
    t = time.time()
    st = stats(train)
    print(spk, "stats s", round(time.time() - t, 1), "sec audio", sum(map(len, train)) / SR)
    # pick variant
    best = None
    for var in ["", "+f1", "+f2", "+f3", "+f4", "+f5", "+m1", "+m2", "+m3", "+m4", "+m5", "+m6", "+m7"]:
        x = np.concatenate([espeak().synth(s, lang, voice_variant=var) for s in sents[:2]])
        sim = float(enc.embed(x, SR) @ held_emb)
        if best is None or sim > best[0]:
            best = (sim, var)
    print("best variant", best)
    for K, ND, W in [(0, 20, 0), (4, 20, 0.5), (4, 20, 1.0), (8, 12, 0.7)]:
        var = best[1]
        base = [espeak().synth(s, lang, voice_variant=var) for s in sents]
        bst = stats(base)
        raw = [float(enc.embed(b, SR) @ held_emb) for b in base]
        t = time.time()
        conv = [convert(b, st, bst) for b in base]
        dt = time.time() - t
        ad = [float(enc.embed(c, SR) @ held_emb) for c in conv]
        print(
            K,
            ND,
            W,
            "raw",
            np.round(raw, 2),
            "adapted",
            np.round(ad, 2),
            "mean",
            round(np.mean(ad), 3),
            "synth x",
            round(sum(map(len, conv)) / SR / dt, 1),
        )
