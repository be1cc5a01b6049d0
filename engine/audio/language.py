"""Language of the samples, from their transcripts (py3langid, restricted to the contract's nine)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cache

LANGUAGES = ("en", "es", "fr", "de", "it", "pt", "ja", "ko", "zh")
_lock = threading.Lock()


@cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(list(LANGUAGES))
    return ident


def detect(transcripts: Sequence[str]) -> str | None:
    """The language of the joined transcripts, or None when there is no text to judge."""
    text = " ".join(t.strip() for t in transcripts if t and t.strip())
    if len(text) < 3:
        return None
    with _lock:
        lang, _ = _identifier().classify(text)
    return str(lang)
