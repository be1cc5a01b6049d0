from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Config, ConfigError, load_config

EXAMPLE = Path(__file__).parents[2] / "config.example.toml"


def test_example_config_matches_the_defaults(monkeypatch):
    monkeypatch.delenv("VOICEBOT_CONFIG", raising=False)
    monkeypatch.delenv("VOICEBOT_DATA_DIR", raising=False)
    assert load_config(EXAMPLE) == Config()


def test_tokens_come_from_the_environment_and_never_print(monkeypatch):
    monkeypatch.setenv("VOICEBOT_TELEGRAM_TOKEN", "123:SECRET-TOKEN")
    config = load_config(EXAMPLE)
    token = config.telegram.token()
    assert token is not None and token.get_secret_value() == "123:SECRET-TOKEN"
    assert "SECRET-TOKEN" not in repr(token) and "SECRET-TOKEN" not in str(config)


def test_a_token_in_the_file_is_refused(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[telegram]\ntoken = '123:abc'\n")
    with pytest.raises(ConfigError, match="environment"):
        load_config(path)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("[audio]\nmax_upload_mb = -1\n", "audio.max_upload_mb"),
        ("[voices]\ndefault_language = 'xx'\n", "voices.default_language"),
        ("[audio]\nunknown_key = 1\n", "audio.unknown_key"),
        ("[audio\n", "not valid TOML"),
    ],
)
def test_invalid_config_says_where(tmp_path, text, where):
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=where.replace(".", r"\.")):
        load_config(path)


def test_data_dir_override(tmp_path, monkeypatch):
    monkeypatch.setenv("VOICEBOT_DATA_DIR", str(tmp_path / "env"))
    assert load_config().data_dir == tmp_path / "env"
    assert load_config(data_dir=tmp_path / "flag").data_dir == tmp_path / "flag"


def test_the_queue_follows_the_database(tmp_path, monkeypatch):
    monkeypatch.delenv("VOICEBOT_DATABASE", raising=False)
    assert load_config(data_dir=tmp_path).queue == "sqlite"
    pooled = load_config(data_dir=tmp_path, database="postgresql://voicebot@db/voicebot")
    assert pooled.queue == "postgresql" and pooled.storage.database.endswith("@db/voicebot")
    monkeypatch.setenv("VOICEBOT_DATABASE", "postgresql://from-env/db")
    assert load_config(data_dir=tmp_path).storage.database == "postgresql://from-env/db"
    config = tmp_path / "c.toml"
    config.write_text('[engine]\nqueue = "postgresql"\n')
    monkeypatch.delenv("VOICEBOT_DATABASE")
    with pytest.raises(ConfigError, match="needs its own database"):
        load_config(config, data_dir=tmp_path)
