"""Buttons: the one table from a button's typed action (``handlers.chat.Action``) to its use case. An
adapter has one button handler: ``Action.parse`` the platform's data, ``press``, send the reply."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from handlers import account, chat_manage, collect, consent, privacy
from handlers.chat import Action, Reply, Sender
from handlers.context import Context
from handlers.errors import Refusal
from handlers.messages import t

Use = Callable[[Context, Sender, tuple[str, ...]], Awaitable[Reply]]


async def _consent(ctx: Context, sender: Sender, args: tuple[str, ...]) -> Reply:
    return await (consent.accept if args == ("accept",) else consent.decline)(ctx, sender)


async def _delete(ctx: Context, sender: Sender, args: tuple[str, ...]) -> Reply:
    if args == ("keep",):
        return Reply(t(sender.locale, "voices.kept"))
    return await chat_manage.delete(ctx, sender, args[0], confirmed=args[1:] == ("yes",))


async def _forget(ctx: Context, sender: Sender, args: tuple[str, ...]) -> Reply:
    if args[0] != "yes":
        return Reply(t(sender.locale, "voices.kept"))
    return await privacy.forget_in_chat(ctx, sender, confirmed=True)


async def _setting(ctx: Context, sender: Sender, args: tuple[str, ...]) -> Reply:
    """``set:NAME`` offers the choices; ``set:NAME:VALUE`` saves one."""
    if len(args) > 1:
        return await account.change(ctx, sender, args[0], args[1])
    return await account.choices(ctx, sender, args[0])


TABLE: dict[str, tuple[int, Use]] = {  # name -> (least arguments, use case)
    "consent": (1, _consent),
    "tier": (2, lambda ctx, sender, a: collect.choose_type(ctx, sender, a[0], a[1])),
    "delete": (1, _delete),
    "renew": (1, lambda ctx, sender, a: chat_manage.renew(ctx, sender, a[0])),
    "sample": (1, lambda ctx, sender, a: chat_manage.remove_sample(ctx, sender, a[0])),
    "cancel": (1, lambda ctx, sender, a: chat_manage.cancel(ctx, sender, a[0])),
    "set": (1, _setting),
    "forget": (1, _forget),
}


async def press(ctx: Context, sender: Sender, action: Action | None) -> Reply:
    """The reply to a pressed button; a refusal, or a button this version no longer knows, is said."""
    if action is None or action.name not in TABLE or len(action.args) < TABLE[action.name][0]:
        return Reply(t(sender.locale, "button.unknown"))
    try:
        return await TABLE[action.name][1](ctx, sender, action.args)
    except Refusal as exc:
        return Reply(exc.message)
