"""Command and option descriptions, and choice names, in the person's language: discord.py's
``Translator`` fed by the handlers' message catalog (the same nine languages as every reply).

Each description names its catalog key (``locale_str`` extras): ``discord.<command>`` for a
command's (``discord.voice create``), ``discord.<command>.<option>`` for an option's, the catalog's
own keys for choices. Command and subcommand names are ``name.<english name>``; options keep their
names, so a command reads the same in replies that quote it.
"""

from __future__ import annotations

from discord import Locale, app_commands
from discord.app_commands import TranslationContextLocation as Where

from handlers.messages import catalog, locale_of


class CatalogTranslator(app_commands.Translator):
    async def translate(
        self, string: app_commands.locale_str, locale: Locale, context: app_commands.TranslationContextTypes
    ) -> str | None:
        language, key = locale_of(locale.value), string.extras.get("key")
        if context.location in (Where.command_name, Where.group_name):
            key = f"name.{string.message}"
        if language == "en" or key is None:
            return None  # the English given in the code
        return catalog(language).get(key)
