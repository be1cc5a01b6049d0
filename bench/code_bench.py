"""The consent code check (engine/audio/spoken_code.py) on real speech: how often the right code is
accepted and a wrong one (an earlier challenge's) refused.

    python bench/code_bench.py [--codes 150]

Readings are Allison's recorded digits (tests/data/digits, from Debian's Asterisk prompts) for a
random code, then two of her prompts — speech the grammar does not model, like a hurried or
paraphrased statement — encoded as a 32 kb/s Opus voice note. Each reading is checked against its
own code and against another random code (what replaying an earlier challenge amounts to).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--codes", type=int, default=150)
    args = parser.parse_args()
    from engine.audio.decode import Limits, decode_file
    from engine.audio.spoken_code import RATE, CodeReader, misheard
    from handlers.messages import t
    from handlers.voice_consent import CODE_DIGITS, MAX_MISHEARD
    from tests.audio import reading

    reader, rng = CodeReader(), random.Random(5)
    statement = t("en", "vconsent.sentence", code="")
    right = wrong = exact = 0
    seconds = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.codes):
            code = "".join(rng.choice("0123456789") for _ in range(CODE_DIGITS))
            other = "".join(rng.choice("0123456789") for _ in range(CODE_DIGITS))
            sent = decode_file(reading(code, Path(tmp)), RATE, Limits())
            started = time.perf_counter()
            heard = reader.heard(sent.samples, sent.rate, statement, CODE_DIGITS)
            seconds += time.perf_counter() - started
            exact += misheard(heard, code) == 0
            right += misheard(heard, code) <= MAX_MISHEARD
            wrong += misheard(heard, other) <= MAX_MISHEARD
    print(
        json.dumps(
            {
                "readings": args.codes,
                "right code accepted": f"{right}/{args.codes}",
                "every digit heard right": f"{exact}/{args.codes}",
                "another code accepted": f"{wrong}/{args.codes}",
                "seconds per check": round(seconds / args.codes, 3),
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
