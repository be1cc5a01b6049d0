"""Properties of the text rules over generated texts (Hypothesis): whatever a person types, the rules
either refuse it with a typed error or give chunks an engine can speak, losing nothing on the way."""

from __future__ import annotations

import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from engine.audio.language import LANGUAGES
from engine.errors import InvalidRequestError
from engine.speech import text as text_rules

languages = st.sampled_from(LANGUAGES)
# Letters of several scripts, digits, money and percent signs, punctuation, spaces of every kind,
# emoji, control and invisible characters: what a chat message can hold.
texts = st.text(
    st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
        st.sampled_from(list("0123456789.,;:!?… $€£%ºª-")),
        st.sampled_from(["\u200b", "\u200d", "\u202e", "\u2066", "\ufeff", "\x00", "\x07", "\n", "\t"]),
    ),
    max_size=400,
)
few = settings(max_examples=150, deadline=None)


def _letters(text: str) -> str:
    return "".join(c for c in text if not c.isspace())


@few
@given(texts, languages)
@example("9" * 4301, "en")  # past Python's int-from-digits limit: a word, not a crash
@example("a" * 600, "en")  # one word longer than a chunk
@example("\x00\x01\x1f", "de")  # only control characters: nothing to say
@example("🙂🙂🙂 😀", "fr")  # only emoji: nothing to say
def test_any_text_is_refused_in_a_typed_way_or_split_into_speakable_chunks(text, language):
    try:
        chunks = text_rules.prepare(text, language)
    except InvalidRequestError as exc:
        assert exc.code == "invalid_request" and exc.key and exc.message
        return
    assert chunks, "a text that passed the checks gives at least one chunk"
    for chunk in chunks:
        assert 0 < len(chunk) <= text_rules.CHAR_LIMITS[language]
        assert chunk == chunk.strip()
        assert not any(unicodedata.category(c) == "Cc" for c in chunk)  # NUL would cut espeak's text
    assert any(unicodedata.category(c)[0] in "LN" for c in "".join(chunks))


@few
@given(texts, languages)
@example("x" * 260 + " " + "y" * 700, "en")
@example("、".join(["あ" * 40] * 5), "ja")
def test_splitting_loses_nothing_but_spaces(text, language):
    try:
        clean = text_rules.validate(text, language)
    except InvalidRequestError:
        return
    chunks = text_rules.split(clean, language)
    assert _letters("".join(chunks)) == _letters(clean)


@few
@given(st.text(st.sampled_from(list("0123456789.,% $€£ºªstndrdthe")), min_size=1, max_size=80), languages)
@example("1" * 5000, "de")
def test_numbers_money_and_ordinals_never_break_the_reader(text, language):
    assert isinstance(text_rules.normalize(text, language), str)


@few
@given(st.lists(st.integers(0, 10**15), min_size=1, max_size=8), st.sampled_from(["en", "fr", "de", "es"]))
def test_every_standalone_number_is_said_in_words(numbers, language):
    out = text_rules.normalize(" ".join(map(str, numbers)), language)
    assert not any(c.isdigit() for c in out), out


@few
@given(texts.filter(lambda s: s.strip()), languages)
def test_validation_keeps_the_visible_text_and_drops_only_invisible_controls(text, language):
    try:
        clean = text_rules.validate(text, language)
    except InvalidRequestError:
        return
    shown = [c for c in text if not c.isspace() and unicodedata.category(c) not in ("Cc", "Cf")]
    assert [c for c in clean if not c.isspace() and unicodedata.category(c) != "Cf"] == shown
