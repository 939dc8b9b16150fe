# 科创 kechuang — developer commands.  `make help` lists them.
#
#   make demo   create .venv, install, migrate, load the Pinghu demo data, serve 127.0.0.1:8000
#   make test   run the whole test suite (SQLite; set DATABASE_URL=postgres://… for PostgreSQL)

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PYTHON ?= python3
PYTEST_ARGS ?=
# pytest-xdist workers: one per core; a test file's tests run in one worker, so a file's
# module-scoped worlds are built once.
PYTEST_WORKERS ?= auto
BENCH_ARGS ?=
HOST ?= 127.0.0.1
PORT ?= 8000

KECHUANG := $(VENV)/bin/kechuang
# The demo's SQLite database lives in KECHUANG_VAR_DIR (default var/), the worker's PID in var/.
RUN_DIR := $(or $(KECHUANG_VAR_DIR),var)
WORKER_PID := var/worker.pid
WORKER_LOG := var/worker.log
# makemessages/compilemessages run in kechuang/ (the .po references are relative to it) and
# walk the tree below; these are not ours to translate.
I18N_IGNORE := --ignore '.venv/*' --ignore 'tests/*' --ignore 'bench/*' --ignore 'var/*' \
	--ignore 'build/*' --ignore 'dist/*' --ignore 'node_modules/*'

.PHONY: help install demo stop test lint bench bench-indicators bench-assignment bench-deadline bench-seismic messages clean distclean

help: ## List the targets
	@echo "科创 kechuang — make targets:"
	@grep -E '^[a-z][a-zA-Z_-]*:.*## ' $(MAKEFILE_LIST) \
		| awk 'BEGIN {FS = ":.*## "} {printf "  make %-10s %s\n", $$1, $$2}'
	@echo "Variables: VENV=$(VENV) PYTHON=$(PYTHON) PYTEST_WORKERS=$(PYTEST_WORKERS) PYTEST_ARGS=… BENCH_ARGS=… HOST=$(HOST) PORT=$(PORT)"

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install -e '.[dev]'
	touch $@

install: $(VENV)/.installed ## Create the virtualenv and install kechuang with its dev tools

demo: export KECHUANG_MODE := demo
demo: install ## Migrate, load the demo data, start the task worker and serve 127.0.0.1:8000
	@if $(VENV)/bin/python -c 'import socket, sys; s = socket.socket(); s.settimeout(1); sys.exit(s.connect_ex(("$(HOST)", $(PORT))) != 0)'; then \
		echo "Something already listens on $(HOST):$(PORT) (another make demo?); stop it first." >&2; \
		exit 1; \
	fi
	mkdir -p $(sort var $(RUN_DIR))
	$(KECHUANG) migrate --noinput
	$(KECHUANG) load_demo
	@$(MAKE) --no-print-directory stop
	@worker=""; \
	stop_worker() { \
		if [ -n "$$worker" ] && kill -0 "$$worker" 2>/dev/null; then \
			echo "Stopping the task worker (pid $$worker)"; \
			kill "$$worker" 2>/dev/null; wait "$$worker" 2>/dev/null; \
		fi; \
		rm -f "$(WORKER_PID)"; \
	}; \
	trap stop_worker EXIT; trap 'exit 130' INT; trap 'exit 143' TERM HUP; \
	$(KECHUANG) db_worker --no-reload >>"$(WORKER_LOG)" 2>&1 & \
	worker=$$!; echo "$$worker" >"$(WORKER_PID)"; \
	echo "Task worker started (pid $$worker, log $(WORKER_LOG))."; \
	echo "Serving http://$(HOST):$(PORT)/ — press Ctrl+C to stop the server and the worker."; \
	$(KECHUANG) runserver $(HOST):$(PORT)

stop: ## Stop a task worker left running by make demo (var/worker.pid)
	@if [ -f "$(WORKER_PID)" ]; then \
		old="$$(cat "$(WORKER_PID)")"; \
		if [ -n "$$old" ] && kill -0 "$$old" 2>/dev/null \
				&& grep -qa db_worker "/proc/$$old/cmdline" 2>/dev/null; then \
			echo "Stopping the stale task worker (pid $$old)"; \
			kill "$$old"; \
			for _ in $$(seq 50); do kill -0 "$$old" 2>/dev/null || break; sleep 0.2; done; \
			kill -9 "$$old" 2>/dev/null || true; \
		fi; \
		rm -f "$(WORKER_PID)"; \
	fi

test: install ## Run the test suite on every core (PYTEST_WORKERS=…, PYTEST_ARGS=…; DATABASE_URL is passed through)
	KECHUANG_MODE=test $(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: install ## ruff check, ruff format --check and the import-layering contracts (lint-imports)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

bench: install ## Run the registry benchmark (BENCH_ARGS=…)
	KECHUANG_MODE=test $(VENV)/bin/python bench/registry.py $(BENCH_ARGS)

bench-indicators: install ## Time the indicators at 1M enterprises, own PostgreSQL db (BENCH_ARGS=--scale 0.01)
	KECHUANG_MODE=test $(VENV)/bin/python bench/indicators.py $(BENCH_ARGS)

bench-assignment: install ## Optimal expert assignment, 10k applications × 20k experts (BENCH_ARGS=--scale 0.01)
	$(VENV)/bin/python bench/assignment.py $(BENCH_ARGS)

bench-deadline: install ## 200 submissions in a call's last minute, gunicorn + own PostgreSQL db (BENCH_ARGS=--burst)
	$(VENV)/bin/python bench/deadline.py $(BENCH_ARGS)

bench-seismic: install ## Earthquake-prevention figures, 200k projects × 1M inspections, own PostgreSQL db (BENCH_ARGS=--scale 0.01)
	KECHUANG_MODE=test $(VENV)/bin/python bench/seismic.py $(BENCH_ARGS)

messages: export KECHUANG_MODE := demo
messages: install ## Update and compile the zh_Hans translations in kechuang/locale
	cd kechuang && $(abspath $(KECHUANG)) makemessages -l zh_Hans $(I18N_IGNORE)
	cd kechuang && $(abspath $(KECHUANG)) compilemessages $(I18N_IGNORE)

clean: stop ## Remove var/ (demo database, uploads) and caches; keeps .venv
	rm -rf var .pytest_cache .ruff_cache test-results bench/results build dist
	find . -path './$(VENV)' -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +

distclean: clean ## clean, and remove the virtualenv too
	rm -rf $(VENV) *.egg-info
