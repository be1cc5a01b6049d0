"""A server's rules, platform-neutral: what a chat message sounds like when it is spoken for someone."""

from __future__ import annotations

from handlers.servers import spoken


def test_links_are_a_word_emoji_are_skipped_and_mention_signs_dropped():
    said = spoken("Look 👀 at https://example.org/a?b=1 now <:party:1234> @Carlo in #general!", 300, "link")
    assert said == "Look at link now Carlo in general!"


def test_a_long_message_is_cut_on_a_word_and_an_empty_one_says_nothing():
    assert spoken("one two three four", 12, "link") == "one two"
    assert spoken("😀 🎉 <a:dance:99>", 300, "link") == ""
    assert spoken("an e-mail like me@example.org stays", 300, "link") == "an e-mail like me@example.org stays"
