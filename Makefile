# `make demo` (clone a voice from bundled clips and speak with it, offline) and `make test` work on a
# fresh machine with only Python 3.11+ and pip:
# the first run creates .venv and installs everything (ffmpeg comes from the imageio-ffmpeg wheel).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install lock demo test test-latest lint format bench load clean

install: $(STAMP)

# Exact versions from requirements.lock (made by `make lock`); pyproject.toml keeps the ranges.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock 2>&1 | grep -v 'is ignored: it is neither' || true
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e . 2>&1 | grep -v 'is ignored: it is neither' || true
	$(BIN)/python -c "import torch, TTS, resemblyzer, silero_vad, discord, aiogram, imageio_ffmpeg"
	touch $(STAMP)

# Re-make requirements.lock from pyproject.toml's ranges (after changing them, or to take newer
# versions once `make test-latest` passes). uv resolves for every platform and Python ≥ 3.11.
lock:
	$(PYTHON) -m pip install --quiet uv
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev --python-version 3.11 --universal --upgrade \
		-o requirements.lock

demo: $(STAMP)
	$(BIN)/python -m bot.demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint
	$(BIN)/python -m pytest -q

# The suite against the newest versions pyproject.toml's ranges allow (not the lock), in its own
# venv: drift is found here before a user meets it. Not part of CI.
LATEST := .venv-latest
test-latest:
	test -x $(LATEST)/bin/python || $(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade --upgrade-strategy eager -e '.[dev]'
	$(LATEST)/bin/python -m pip list --format=freeze > $(LATEST)/versions.txt
	$(LATEST)/bin/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/ingest_bench.py --minutes 10
	$(BIN)/python bench/ingest_bench.py --minutes 10 --remove-noise
	$(BIN)/python bench/ingest_bench.py --minutes 10 --note-seconds 0
	$(BIN)/python bench/cleaning_bench.py
	$(BIN)/python bench/embedded_bench.py
	$(BIN)/python bench/queue_bench.py
	$(BIN)/python bench/xtts_bench.py
	$(BIN)/python bench/telegram_bench.py
	$(BIN)/python bench/discord_bench.py
	$(BIN)/python bench/watermark_bench.py
	$(BIN)/python bench/speaker_bench.py
	$(BIN)/python bench/code_bench.py
	$(BIN)/python bench/http_bench.py
	$(BIN)/python bench/pool_bench.py
	$(BIN)/python bench/check_bench.py

# 100 simulated people on Telegram, Discord and the HTTP API at once, with a real worker process,
# then a 30-minute soak; the report goes to docs/load.json (bench/load.py says what is measured).
load: $(STAMP)
	$(BIN)/python bench/load.py --people 100 --minutes 40 --soak-minutes 30 --out docs/load.json

clean:
	rm -rf $(VENV) $(LATEST) *.egg-info .pytest_cache .ruff_cache
