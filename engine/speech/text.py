"""Text for speech: validation, reading numbers and abbreviations, and sentence chunks per language.

Shared by every engine. Chunks stay under the per-language limits XTTS-v2 was trained with (its
tokenizer's ``char_limits``); the embedded engine uses the same chunks so both stream alike.
"""

from __future__ import annotations

import re
import unicodedata

from engine.audio.language import LANGUAGES
from engine.errors import InvalidRequestError, TextTooLongError

MAX_TEXT = 5000
LONGEST_NUMBER = 15  # digits; longer numbers are read digit by digit
CHAR_LIMITS = {"en": 250, "es": 239, "fr": 273, "de": 253, "it": 213, "pt": 203, "ja": 71, "ko": 95, "zh": 82}

ABBREVIATIONS = {
    "en": {
        "Mr.": "Mister",
        "Mrs.": "Missus",
        "Ms.": "Miss",
        "Dr.": "Doctor",
        "St.": "Saint",
        "Prof.": "Professor",
        "e.g.": "for example",
        "i.e.": "that is",
        "etc.": "et cetera",
        "vs.": "versus",
        "approx.": "approximately",
        "No.": "number",
        "Jr.": "Junior",
        "Sr.": "Senior",
    },
    "es": {
        "Sr.": "señor",
        "Sra.": "señora",
        "Srta.": "señorita",
        "Dr.": "doctor",
        "Dra.": "doctora",
        "etc.": "etcétera",
        "p. ej.": "por ejemplo",
        "Ud.": "usted",
    },
    "fr": {
        "M.": "monsieur",
        "Mme": "madame",
        "Mlle": "mademoiselle",
        "Dr": "docteur",
        "etc.": "et cetera",
        "p. ex.": "par exemple",
    },
    "de": {
        "z.B.": "zum Beispiel",
        "z. B.": "zum Beispiel",
        "usw.": "und so weiter",
        "Dr.": "Doktor",
        "Hr.": "Herr",
        "Fr.": "Frau",
        "bzw.": "beziehungsweise",
        "ca.": "circa",
    },
    "it": {"Sig.": "signor", "Sig.ra": "signora", "Dott.": "dottor", "ecc.": "eccetera", "es.": "esempio"},
    "pt": {
        "Sr.": "senhor",
        "Sra.": "senhora",
        "Dr.": "doutor",
        "Dra.": "doutora",
        "etc.": "et cetera",
        "p. ex.": "por exemplo",
    },
}
_CURRENCY = {
    "$": {
        "en": "dollars",
        "es": "dólares",
        "fr": "dollars",
        "de": "Dollar",
        "it": "dollari",
        "pt": "dólares",
    },
    "€": {"en": "euros", "es": "euros", "fr": "euros", "de": "Euro", "it": "euro", "pt": "euros"},
    "£": {"en": "pounds", "es": "libras", "fr": "livres", "de": "Pfund", "it": "sterline", "pt": "libras"},
}
_PERCENT = {
    "en": "percent",
    "es": "por ciento",
    "fr": "pour cent",
    "de": "Prozent",
    "it": "per cento",
    "pt": "por cento",
    "ja": "パーセント",
    "ko": "퍼센트",
    "zh": "百分之",
}
_ORDINAL = {
    "en": r"(?:st|nd|rd|th)",
    "fr": r"(?:e|er|re|ème)",
    "es": r"(?:º|ª|o|a)",
    "it": r"(?:º|ª)",
    "pt": r"(?:º|ª)",
    "de": r"\.",
}
_NUMBER = r"\d+(?:[.,]\d+)?"
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|(?<=[。！？])")
_CLAUSE_END = re.compile(r"(?<=[,;:、，；：])\s*")


# Invisible characters that only steer display: bidi embeddings, overrides and isolates, zero-width
# space, the byte-order mark. Removed; joiners (U+200C/D) stay, scripts and emoji need them.
_INVISIBLE = re.compile("[\u200b\u202a-\u202e\u2066-\u2069\ufeff]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # NUL would end the text an engine reads (C strings)


def _speakable(text: str) -> bool:
    return any(unicodedata.category(c)[0] in "LN" for c in text)


def validate(text: str, language: str) -> str:
    """The text as an engine reads it (one line, no controls), or a typed refusal."""
    if language not in LANGUAGES:
        raise InvalidRequestError(f"language must be one of {', '.join(LANGUAGES)}")
    if not isinstance(text, str) or not text.strip():
        raise InvalidRequestError("text is empty; give something to say", key="text_empty")
    if len(text) > MAX_TEXT:
        raise TextTooLongError(len(text), MAX_TEXT)
    text = " ".join(_CONTROL.sub(" ", _INVISIBLE.sub("", text)).split())
    if not text:
        raise InvalidRequestError("text is empty; give something to say", key="text_empty")
    if not _speakable(text):
        raise InvalidRequestError(
            "text has no letters or digits to read aloud (only symbols or emoji)", key="text_unspeakable"
        )
    return text


def _spell(number: str, language: str, to: str = "cardinal") -> str:
    """A number in words (num2words); Chinese has no num2words reader, and espeak reads digits itself."""
    if language == "zh":
        return number
    from num2words import num2words

    digits = re.sub(r"[.,]", "", number)
    if len(digits) > LONGEST_NUMBER:  # past any reader's words (and Python's int limit): one by one
        return " ".join(_spell(d, language) if d.isdigit() else d for d in number)
    value: float | int
    if re.fullmatch(r"\d+", number):
        value = int(number)
    else:
        # "3.5" in English, "3,5" in most of Europe: a single separator with 1–2 digits is a decimal.
        value = float(number.replace(",", ".")) if re.fullmatch(r"\d+[.,]\d{1,2}", number) else int(digits)
    try:
        return num2words(value, lang=language, to=to)
    except (NotImplementedError, OverflowError, ValueError):
        return number


def normalize(text: str, language: str) -> str:
    """Expand abbreviations, currencies, percentages, ordinals and numbers into words."""
    for short, full in ABBREVIATIONS.get(language, {}).items():
        text = re.sub(rf"(?<![\w.]){re.escape(short)}(?!\w)", full, text)
    for symbol, names in _CURRENCY.items():
        if language in names:
            text = re.sub(
                rf"{re.escape(symbol)}\s?({_NUMBER})",
                lambda m, word=names[language]: f"{m.group(1)} {word}",
                text,
            )
            text = re.sub(
                rf"({_NUMBER})\s?{re.escape(symbol)}",
                lambda m, word=names[language]: f"{m.group(1)} {word}",
                text,
            )
    if language == "zh":
        text = re.sub(rf"({_NUMBER})\s?%", lambda m: f"{_PERCENT['zh']}{m.group(1)}", text)
    else:
        text = re.sub(rf"({_NUMBER})\s?%", lambda m: f"{m.group(1)} {_PERCENT[language]}", text)
    if language in _ORDINAL:
        text = re.sub(
            rf"\b(\d+){_ORDINAL[language]}(?=\s|$|[,;:!?])",
            lambda m: _spell(m.group(1), language, "ordinal"),
            text,
        )
    # Not glued to a Latin word ("mp3", "A4"); CJK text has no spaces, so a kana or hanzi may precede.
    text = re.sub(
        r"(?<![A-Za-zÀ-ÿ\d.,])(\d{1,3}(?:[.,]\d{3})+|\d+(?:[.,]\d+)?)(?![A-Za-zÀ-ÿ])",
        lambda m: _spell(m.group(1), language),
        text,
    )
    return text


def _hard_split(piece: str, limit: int) -> list[str]:
    words = piece.split(" ") if " " in piece else list(piece)
    joiner = " " if " " in piece else ""
    out, current = [], ""
    for word in words:
        candidate = f"{current}{joiner}{word}" if current else word
        if len(candidate) <= limit:
            current = candidate
        else:
            if current:
                out.append(current)
            while len(word) > limit:  # a "word" longer than a chunk: cut, never dropped
                out.append(word[:limit])
                word = word[limit:]
            current = word
    if current:
        out.append(current)
    return out


def split(text: str, language: str) -> list[str]:
    """Sentences, each under the language's character limit (long ones cut at clauses, then words)."""
    limit = CHAR_LIMITS[language]
    chunks: list[str] = []
    for sentence in filter(None, (s.strip() for s in _SENTENCE_END.split(text))):
        if len(sentence) <= limit:
            chunks.append(sentence)
            continue
        current = ""
        for clause in filter(None, (c.strip() for c in _CLAUSE_END.split(sentence))):
            joined = f"{current} {clause}".strip() if language not in ("ja", "zh") else current + clause
            if len(joined) <= limit:
                current = joined
                continue
            if current:
                chunks.append(current)
            if len(clause) <= limit:
                current = clause
            else:
                *full, current = _hard_split(clause, limit)
                chunks.extend(full)
        if current:
            chunks.append(current)
    return chunks


def prepare(text: str, language: str) -> list[str]:
    """Validate, normalise and split: what an engine speaks, chunk by chunk."""
    return split(normalize(validate(text, language), language), language)
