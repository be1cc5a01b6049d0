"""The message catalog: every language has every sentence, with the same fields to fill in."""

from __future__ import annotations

import string

from handlers.messages import LANGUAGES, catalog, locale_of, step, t

# Words some languages share with English ("Standard", "Emotion", "neutral"), and lines of fields only.
SAME_IN_SOME_LANGUAGES = {
    "tier.standard",
    "voices.line",
    "settings.emotion",
    "emotion.neutral",
    "job.progress",
    "samples.line",
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
            if language != "en" and key not in SAME_IN_SOME_LANGUAGES:
                assert text != english[key], (language, key)  # translated, not copied


def test_platform_codes_map_to_a_catalog_and_unknown_ones_to_english():
    assert locale_of("pt-BR") == "pt" and locale_of("zh-hans") == "zh" and locale_of("sw") == "en"
    assert locale_of(None) == "en"
    assert t("it", "job.cancelled") == "Annullato." and t("xx", "job.cancelled") == "Cancelled."
    assert step("de", "fine-tuning") == "Feinabstimmung" and step("de", "new-step") == "new-step"
