# Examgate: `make demo` runs it on its embedded defaults (`make demo PORT=8080` picks the port);
# `make test` runs the whole test suite; `make vendor` refreshes static/vendor/ from npm (tools/npm/).
# tests/npm/ holds browser code only tests use: MathJax served in place of a CDN for the real Numbas exam,
# axe-core for the accessibility tour of every page.
PYTHON ?= python3
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi

.PHONY: setup vendor demo test test-fast bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt requirements-test.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

setup: $(VENV)/.installed

TEST_NPM := tests/npm/node_modules/.installed

$(TEST_NPM): tests/npm/package.json tests/npm/package-lock.json
	npm ci --prefix tests/npm --no-audit --no-fund --loglevel=error
	touch $@

# static/vendor/ is committed; after changing tools/npm/package.json run this and commit the result.
vendor:
	npm ci --prefix tools/npm --no-audit --no-fund --loglevel=error
	$(PYTHON) tools/vendor.py

demo: setup
	EXAMGATE_DEMO=1 $(BIN)/flask db upgrade
	EXAMGATE_DEMO=1 $(BIN)/flask demo --port $(PORT)

test: setup $(TEST_NPM)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

test-fast: setup $(TEST_NPM)
	$(BIN)/python -m pytest -q -m "not browser and not slow" $(PYTEST_ARGS)

bench: setup
	$(BIN)/python bench/commits.py
	$(BIN)/python bench/outcomes.py
	$(BIN)/python bench/reports.py
	$(BIN)/python bench/launches.py

clean:
	rm -rf $(VENV) tools/npm/node_modules tests/npm/node_modules instance
