"""Properties of what people type and press (Hypothesis): any setting value, any button's data. Each
is answered (a reply or a refusal in the person's language), and what is saved still speaks."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.app import open_context
from bot.config import load_config
from handlers import account, buttons
from handlers.chat import MAX_PACKED, Action, Reply, Sender
from handlers.errors import Refusal
from handlers.messages import catalog

few = settings(max_examples=120, deadline=None)
SENDER = Sender("telegram", "77", "77", "fr")
french = set(catalog("fr").values())


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    """One context on one loop for every example: a fresh one each would spend the run starting up."""
    loop = asyncio.new_event_loop()
    opened = open_context(load_config(data_dir=tmp_path_factory.mktemp("props")))
    ctx = loop.run_until_complete(opened.__aenter__())
    try:
        yield loop, ctx
    finally:
        loop.run_until_complete(opened.__aexit__(None, None, None))
        loop.close()


utf8 = st.characters(codec="utf-8")  # what a platform delivers (no lone surrogates)
values = st.one_of(
    st.text(utf8, max_size=30),
    st.sampled_from(["nan", "inf", "-inf", "1e308", "1e-9", "−3", "2,0", "٤٤١٠٠", "0x10", "1_0", "ON", " "]),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(-(10**6), 10**6).map(str),
)


@few
@given(st.sampled_from([*account.KEYS, "volume", "SPEED"]), values)
@example("speed", "nan")
@example("rate", "٤٤١٠٠")
def test_any_typed_setting_is_saved_or_refused_and_what_is_saved_still_speaks(running, name, value):
    loop, ctx = running

    async def attempt() -> tuple[Reply | Refusal, dict]:
        try:
            answer: Reply | Refusal = await account.typed(ctx, SENDER, f"{name} {value}")
        except Refusal as exc:
            answer = exc
        user = await account.user_for(ctx, SENDER)
        return answer, user.settings

    answer, saved = loop.run_until_complete(attempt())
    if isinstance(answer, Refusal):
        assert answer.code in ("invalid_request", "not_found", "no_voice") and answer.message.strip()
    else:
        assert answer.text.strip()
    account.speech_options(saved)  # raises if a value out of the contract's ranges was kept


button_data = st.one_of(
    st.text(utf8, max_size=MAX_PACKED),
    st.builds(
        lambda name, args: ":".join([name, *args]),
        st.sampled_from([*buttons.TABLE, "gone"]),
        st.lists(st.text(st.characters(codec="utf-8", exclude_characters=":"), max_size=12), max_size=4),
    ),
)


@few
@given(button_data)
@example("delete")
@example("set:speed:nan")
@example("forget:")
@example("tier:x:y:z")
def test_any_button_data_gets_a_reply_in_the_persons_language_and_never_an_exception(running, data):
    loop, ctx = running
    reply = loop.run_until_complete(buttons.press(ctx, SENDER, Action.parse(data)))
    assert isinstance(reply, Reply) and reply.text.strip()
    if Action.parse(data) is None or Action.parse(data).name not in buttons.TABLE:
        assert reply.text in french  # the "no longer works" sentence, in French


@few
@given(
    st.text(st.characters(codec="utf-8", exclude_characters=":"), min_size=1, max_size=20),
    st.lists(st.text(st.characters(codec="utf-8", exclude_characters=":"), max_size=20), max_size=4),
)
def test_an_action_that_packs_parses_back_to_itself(name, args):
    action = Action(name, tuple(args))
    try:
        packed = action.pack()
    except ValueError:
        assert len(":".join((name, *args)).encode()) > MAX_PACKED
        return
    assert Action.parse(packed) == action and len(packed.encode()) <= MAX_PACKED
