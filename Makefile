# `make demo` (clone a voice from bundled clips and speak with it, offline) and `make test` work on a
# fresh machine with only Python 3.11+ and pip:
# the first run creates .venv and installs everything (ffmpeg comes from the imageio-ffmpeg wheel).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install lock demo test test-latest lint format bench report load clean

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

# Every benchmark, then docs/benchmarks.md written from their figures (docs/bench/*.json) and
# docs/load.json; `make report` writes it again from the figures kept, running nothing.
bench: $(STAMP)
	$(BIN)/python bench/report.py

report: $(STAMP)
	$(BIN)/python bench/report.py --render

# 100 simulated people on Telegram, Discord and the HTTP API at once, with a real worker process,
# then a 30-minute soak; the report goes to docs/load.json (bench/load.py says what is measured).
load: $(STAMP)
	$(BIN)/python bench/load.py --people 100 --minutes 40 --soak-minutes 30 --out docs/load.json

clean:
	rm -rf $(VENV) $(LATEST) *.egg-info .pytest_cache .ruff_cache
