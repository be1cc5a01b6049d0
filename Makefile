# `make demo` (clone a voice from bundled clips and speak with it, offline) and `make test` work on a
# fresh machine with only Python 3.11+ and pip:
# the first run creates .venv and installs everything (ffmpeg comes from the imageio-ffmpeg wheel).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo test lint format bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]' 2>&1 | grep -v 'is ignored: it is neither' || true
	$(BIN)/python -c "import torch, TTS, resemblyzer, silero_vad, discord, aiogram, imageio_ffmpeg"
	touch $(STAMP)

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

bench: $(STAMP)
	$(BIN)/python bench/ingest_bench.py --minutes 10
	$(BIN)/python bench/ingest_bench.py --minutes 10 --remove-noise
	$(BIN)/python bench/ingest_bench.py --minutes 10 --note-seconds 0
	$(BIN)/python bench/cleaning_bench.py
	$(BIN)/python bench/embedded_bench.py
	$(BIN)/python bench/queue_bench.py
	$(BIN)/python bench/xtts_bench.py
	$(BIN)/python bench/telegram_bench.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
