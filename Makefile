# CCHC: the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: demo test install install-dev assets lint typecheck migrations-check unit e2e test-postgres bench lock clean

## make demo: install, migrate SQLite, load the demo province, serve on http://127.0.0.1:8000 with a worker.
demo: install assets
	$(BIN)/cchc collectstatic --noinput -v0
	CCHC_DEMO=1 $(BIN)/cchc demo

## make test: install, then lint, type checks, migrations check and the whole suite.
test: install-dev assets lint typecheck migrations-check unit

$(VENV)/.base: requirements/base.lock pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check --require-hashes -r requirements/base.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	touch $@

$(VENV)/.dev: $(VENV)/.base requirements/dev.lock
	$(BIN)/pip install -q --disable-pip-version-check --require-hashes -r requirements/dev.lock
	touch $@

install: $(VENV)/.base
install-dev: $(VENV)/.dev

# Front-end packages from the npm registry (locked in package-lock.json), collected as static files.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed

lint: install-dev
	$(BIN)/ruff check cchc bench
	$(BIN)/ruff format --check cchc bench

typecheck: install-dev
	$(BIN)/mypy cchc

migrations-check: install-dev
	$(BIN)/cchc makemigrations --check --dry-run

unit: install-dev assets
	$(BIN)/pytest cchc -m "not browser"

## The same suite against PostgreSQL (CI runs it after `make test`).
test-postgres: install-dev assets
	DATABASE_URL=$(PG_URL) $(BIN)/pytest cchc -m "not browser"

## Browser flows in headless Chromium (Debian's chromium package).
e2e: install-dev assets
	$(BIN)/pytest cchc -m browser || test $$? -eq 5

## Benchmarks: writes machine-readable results to bench/results/.
bench: install-dev
	$(BIN)/python -m bench.run

## Re-resolve the locked dependencies after editing pyproject.toml.
lock:
	uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -o requirements/base.lock -q
	uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements/dev.lock -q

clean:
	rm -rf $(VENV) node_modules var
