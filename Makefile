# Resoc — the two commands are `make run` and `make test`; see README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_PERSONS ?= 2000
RUN_ENV := DEBUG=1 RESOC_DEMO=1 TWO_FACTOR_REQUIRED_ROLES=

.PHONY: run test lint typecheck pytest bench lock messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.base-installed: requirements/base.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/base.txt
	@touch $@

$(VENV)/.dev-installed: requirements/dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.txt
	@touch $@ $(VENV)/.base-installed

messages: $(VENV)/.base-installed
	$(BIN)/python manage.py compile_translations

run: $(VENV)/.base-installed messages
	$(RUN_ENV) $(BIN)/python manage.py migrate --no-input
	$(RUN_ENV) $(BIN)/python manage.py seed_demo --if-empty --persons $(DEMO_PERSONS) --seed 1
	@echo ""
	@echo "Resoc is starting on http://$(HOST):$(PORT)/ — stop it with Ctrl+C."
	@# A background worker runs the database task queue (register imports); it stops with the server.
	@$(RUN_ENV) $(BIN)/python manage.py db_worker --no-reload --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy .

pytest: $(VENV)/.dev-installed messages
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(if $(REDIS_TEST_URL),,-m "not redis") $(PYTEST_ARGS)

test: lint typecheck pytest

bench: $(VENV)/.dev-installed messages
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

# Regenerate the lock files after changing pyproject.toml (needs uv, installed into the venv here).
lock: $(VENV)/.dev-installed
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -o requirements/base.txt
	$(BIN)/uv pip compile pyproject.toml --extra scale --python-version 3.11 --generate-hashes -o requirements/scale.txt
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements/dev.txt

clean:
	rm -rf $(VENV) staticfiles .mypy_cache .ruff_cache
