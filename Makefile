# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
LOCALE ?= zh_CN

.PHONY: setup run test bench system-deps clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

## run: extract -> update -> build -> stats on the bundled site
run: setup
	$(BIN)/docl10n extract
	$(BIN)/docl10n update -l $(LOCALE)
	$(BIN)/docl10n build -l $(LOCALE)
	$(BIN)/docl10n stats -l $(LOCALE)
	@echo "Localized pages are in build/$(LOCALE)/"

## system-deps: GNU gettext (msgfmt, msgcat) and hugo for the tests, when missing
system-deps:
	@command -v msgfmt >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; \
	  else echo "note: install GNU gettext (msgfmt) to run every test"; fi; }
	@command -v hugo >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hugo >/dev/null; \
	  else echo "note: install hugo to render the built pages in the tests"; fi; }
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "note: install chromium to render the HTML coverage report in the tests"; fi; }

## test: set up and run the whole suite
test: setup system-deps
	$(BIN)/python -m pytest -q

## bench: time every stage on a ~1,000-page site beside markdown-it-py, msgmerge, mdpo and translate-toolkit
PEERS := bench/.venv-peers
bench: setup system-deps
	@[ -x $(PEERS)/mdpo/bin/python ] || { $(PYTHON) -m venv $(PEERS)/mdpo && \
	  $(PEERS)/mdpo/bin/python -m pip install --quiet mdpo polib; } || echo "note: mdpo not installed"
	@[ -x $(PEERS)/translate-toolkit/bin/python ] || { $(PYTHON) -m venv $(PEERS)/translate-toolkit && \
	  $(PEERS)/translate-toolkit/bin/python -m pip install --quiet 'translate-toolkit[markdown]' polib; } \
	  || echo "note: translate-toolkit not installed"
	$(BIN)/python -m compileall -q src  # bytecode, as an installed package has it (PYTHONDONTWRITEBYTECODE may be set)
	$(BIN)/python bench/bench.py

clean:
	rm -rf $(VENV) build .pytest_cache .hypothesis
