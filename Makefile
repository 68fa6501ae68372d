# Two commands matter on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
ROWS ?= 1000000

.PHONY: run test lint venv bench bench-doj bench-engine bench-rap bench-queue bench-motions bench-dashboard clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

venv: $(STAMP)

## Install, migrate, seed the demo office, and run web + worker on the embedded default.
run: $(STAMP)
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	bin/run-local

## The whole test suite: lint, then every test (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set).
test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run > /dev/null
	$(VENV)/bin/pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .

## Every benchmark, one after the other (PostgreSQL and Redis on the usual local ports; ~30 min).
bench: bench-engine bench-doj bench-rap bench-queue bench-motions bench-dashboard

bench-doj: $(STAMP)
	$(PY) bench/bench_doj_pipeline.py --rows $(ROWS)

bench-engine: $(STAMP)
	$(PY) bench/bench_engine.py

bench-rap: $(STAMP)
	$(PY) bench/bench_rap_pipeline.py

bench-queue: $(STAMP)
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/cmr_queue_bench $(PY) bench/bench_queue.py

bench-motions: $(STAMP)
	$(PY) bench/bench_motions.py
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/cmr_motions_bench $(PY) bench/bench_motions_db.py --motions 1000

bench-dashboard: $(STAMP)
	$(PY) bench/bench_dashboard.py

clean:
	rm -rf var test-artifacts bench-out
