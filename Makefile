# Examgate: `make demo` runs it on its embedded defaults; `make test` runs the whole test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi

.PHONY: setup demo test test-fast bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt requirements-test.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

static/vendor/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/
	cp node_modules/scorm-again/dist/scorm2004.min.js node_modules/scorm-again/dist/scorm12.min.js static/vendor/
	cp node_modules/scorm-again/dist/cross-frame-api.min.js node_modules/scorm-again/dist/cross-frame-lms.min.js static/vendor/
	touch $@

setup: $(VENV)/.installed static/vendor/.installed

demo: setup
	EXAMGATE_DEMO=1 $(BIN)/flask db upgrade
	EXAMGATE_DEMO=1 $(BIN)/flask demo

test: setup
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

test-fast: setup
	$(BIN)/python -m pytest -q -m "not browser and not slow" $(PYTEST_ARGS)

bench: setup
	$(BIN)/python bench/commits.py
	$(BIN)/python bench/outcomes.py
	$(BIN)/python bench/reports.py

clean:
	rm -rf $(VENV) node_modules static/vendor instance
