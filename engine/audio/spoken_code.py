"""Which digits a person read aloud: the code in a consent challenge (pocketsphinx, offline).

pocketsphinx's wheel ships an en-US model only, so only English challenges have their words
checked; other languages are matched by speaker alone (``languages`` says which). Decoding is
constrained by a grammar — the ``count`` digits with one optional digit either side, then the
challenge's statement (optional) — because free decoding of digits confuses "four/for", "two/to".
The code comes first: speech the grammar does not know before the digits throws them off, after
them it does not. The spare digits absorb a breath or click heard as "two" that would otherwise
shift every digit along; ``misheard`` finds the code among what was heard. Whatever was said comes
out as digits, so a wrong or replayed code comes out as other digits. Measured: bench/code_bench.py.
"""

from __future__ import annotations

import re
import threading

import numpy as np

from engine.audio.speaker import resample
from engine.lazy import Lazy

RATE = 16000
DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


class CodeReader:
    languages = ("en",)

    def __init__(self) -> None:
        self._decoder = Lazy(self._load)
        self._lock = threading.Lock()

    @staticmethod
    def _load():
        from pocketsphinx import Decoder

        return Decoder(samprate=RATE, loglevel="FATAL")

    def heard(self, audio: np.ndarray, rate: int, statement: str, count: int) -> str:
        """The digits heard before the (optional) ``statement``, ``count`` to ``count + 2`` of them,
        as a string ("4729130"); "" when nothing fits the grammar."""
        decoder = self._decoder.get()
        pcm = (np.clip(resample(audio, rate, RATE), -1.0, 1.0) * 32767).astype("<i2").tobytes()
        with self._lock:
            words = [w for w in re.findall(r"[a-z']+", statement.lower()) if decoder.lookup_word(w)]
            then = f" [{' '.join(words)}]" if words else ""
            grammar = (
                "#JSGF V1.0;\ngrammar challenge;\n"
                f"<digit> = {' | '.join(DIGITS)};\n"
                # a digit more either side: a breath or a click heard as "two" must not shift the rest
                f"public <challenge> = [<digit>] {' '.join(['<digit>'] * count)} [<digit>]{then};\n"
            )
            decoder.add_jsgf_string("challenge", grammar)
            decoder.activate_search("challenge")
            decoder.start_utt()
            decoder.process_raw(pcm, full_utt=True)
            decoder.end_utt()
            hyp = decoder.hyp()
        said = hyp.hypstr.split() if hyp else []
        return "".join(str(DIGITS.index(w)) for w in said if w in DIGITS)


def misheard(heard: str, code: str) -> int:
    """How many digits of ``code`` were heard wrong, at the best place among the heard digits."""
    if len(heard) < len(code):
        return len(code)
    return min(
        sum(a != b for a, b in zip(heard[i : i + len(code)], code, strict=True))
        for i in range(len(heard) - len(code) + 1)
    )
