"""The message catalog: every language has every sentence, with the same fields to fill in."""

from __future__ import annotations

import string

from handlers.messages import LANGUAGES, catalog, failure, locale_of, step, t

# Words some languages share with English ("Standard", "Emotion", "neutral"), and lines of fields only.
SAME_IN_SOME_LANGUAGES = {
    "tier.standard",
    "voices.line",
    "settings.emotion",
    "emotion.neutral",
    "job.progress",
    "samples.line",
    "voices.state",
    "voice.link",
    "where.server",
    "where.api",
    "usage.excerpt",
    "usage.line",
    "settings.allowed.speakforme",
    "settings.allowed.excerpts",
    "settings.allowed.alerts",
}


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_language_has_every_key_with_the_same_fields():
    english = catalog("en")
    for language in LANGUAGES:
        messages = catalog(language)
        assert set(messages) == set(english), (language, set(english) ^ set(messages))
        for key, text in messages.items():
            assert fields(text) == fields(english[key]), (language, key)
            # Command names ("name.*") may be the same word ("server").
            if language != "en" and key not in SAME_IN_SOME_LANGUAGES and not key.startswith("name."):
                assert text != english[key], (language, key)  # translated, not copied


def test_platform_codes_map_to_a_catalog_and_unknown_ones_to_english():
    assert locale_of("pt-BR") == "pt" and locale_of("zh-hans") == "zh" and locale_of("sw") == "en"
    assert locale_of(None) == "en"
    assert t("it", "job.cancelled") == "Annullato." and t("xx", "job.cancelled") == "Cancelled."
    assert step("de", "fine-tuning") == "Feinabstimmung" and step("de", "new-step") == "new-step"


def test_a_job_failure_is_told_in_the_persons_language_when_the_catalog_knows_it():
    gone = {"code": "not_found", "message": "The voice is gone or no longer usable.", "key": "voice_gone"}
    assert failure("it", gone) == "Quella voce è stata eliminata o non è più utilizzabile."
    crash = {"code": "internal_error", "message": "The engine hit an internal error (KeyError)."}
    assert failure("de", crash) == t("de", "error.internal")
    short = {"code": "too_short", "key": "too_short", "values": {"speech_s": 0.94, "min_s": 1.0}}
    assert "0.9" in failure("fr", short) and "au moins 1 s" in failure("fr", short)
    assert failure("ja", {"code": "odd", "message": "as the worker said"}) == "as the worker said"
