"""Text validation, reading numbers and abbreviations, and chunking under per-language limits."""

from __future__ import annotations

import pytest

from engine.errors import InvalidRequestError
from engine.speech.text import CHAR_LIMITS, MAX_TEXT, normalize, prepare, split


def test_text_limits():
    assert prepare("x" * 10 + ".", "en")
    with pytest.raises(InvalidRequestError, match="limit is 5000"):
        prepare("a" * (MAX_TEXT + 1), "en")
    with pytest.raises(InvalidRequestError, match="empty"):
        prepare("   ", "en")
    with pytest.raises(InvalidRequestError, match="language must be one of"):
        prepare("hello", "xx")


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        (
            "en",
            "Dr. Smith paid $1,250 on the 3rd, i.e. 15% more.",
            "Doctor Smith paid one thousand, two hundred and fifty dollars on the third,"
            " that is fifteen percent more.",
        ),
        ("en", "Play the mp3 on page 4, not A4.", "Play the mp3 on page four, not A4."),
        (
            "de",
            "Der 3. Platz kostet 12,50 € bzw. 10% mehr.",
            "Der dritte Platz kostet zwölf Komma fünf Euro beziehungsweise zehn Prozent mehr.",
        ),
        ("es", "El Sr. García tiene 42 años.", "El señor García tiene cuarenta y dos años."),
        ("fr", "Il a 21 ans.", "Il a vingt et un ans."),
        ("it", "Il Sig. Rossi ha 7 gatti.", "Il signor Rossi ha sette gatti."),
        ("pt", "A Sra. Silva tem 3 filhos.", "A senhora Silva tem três filhos."),
        ("ja", "価格は100円です。", "価格は百円です。"),
        ("ko", "사과 3개", "사과 삼개"),
    ],
)
def test_numbers_and_abbreviations_are_read(language, text, expected):
    assert normalize(text, language) == expected


@pytest.mark.parametrize("language", sorted(CHAR_LIMITS))
def test_chunks_respect_the_language_limit(language):
    sentence = {
        "ja": "今日はとても良い天気ですね、散歩に行きましょう。",
        "zh": "今天天气很好，我们去散步吧。",
        "ko": "오늘은 날씨가 아주 좋네요, 산책하러 갑시다.",
    }.get(language, "This is a sentence, with a clause.")
    text = " ".join([sentence] * 40) + " " + "word " * 200
    chunks = split(text, language)
    assert chunks and all(len(c) <= CHAR_LIMITS[language] for c in chunks)
    # Nothing is lost: every character but spaces comes back in order.
    assert "".join(chunks).replace(" ", "") == text.replace(" ", "")


def test_sentences_split_at_boundaries():
    assert split("One. Two! Three? Four…", "en") == ["One.", "Two!", "Three?", "Four…"]
    assert split("一。二！三？", "zh") == ["一。", "二！", "三？"]
