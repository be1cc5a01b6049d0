"""The Telegram adapter (aiogram 3): translates updates into handler calls and replies back."""
