# The key-account warehouse: `make run` runs the nightly job on the embedded
# default (DuckDB) with the bundled demo data; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VAR := $(CURDIR)/var
AS_OF ?=
VARS ?=
FROM ?=
TO ?=
SCALE ?= 1m
# The warehouse `make bench` measures: duckdb, or spark (beside the DuckDB figures of bench_<scale>.json).
ENGINE ?= duckdb
# KAM_WAREHOUSE=spark starts a local Spark (a JVM): make run/backfill install Java 17 first when it is missing.
JAVA_FOR_SPARK = $(if $(filter spark,$(KAM_WAREHOUSE)),bash tests/spark/install_java.sh --required)
# pytest-xdist workers for `make test` (each test file runs whole on one worker; CI has 2 cores).
TEST_WORKERS ?= 2

export KAM_HOME ?= $(VAR)
# Airflow's home follows the warehouse's: two KAM_HOMEs never share a metadata DB.
export AIRFLOW_HOME ?= $(KAM_HOME)/airflow
export AIRFLOW__CORE__DAGS_FOLDER := $(CURDIR)/dags
export AIRFLOW__CORE__PLUGINS_FOLDER := $(CURDIR)/plugins
export AIRFLOW__CORE__LOAD_EXAMPLES := False
export AIRFLOW__CORE__UNIT_TEST_MODE := False
export AIRFLOW__COSMOS__ENABLE_TELEMETRY := False
export DBT_SEND_ANONYMOUS_USAGE_STATS := False
export DO_NOT_TRACK := 1
export GX_ANALYTICS_ENABLED := False
export PYTHONPATH := $(CURDIR)/plugins

.PHONY: install run backfill lint test reliability bench demo-data airflow-db airflow airflow-stop docs clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || \
	  ($(PYTHON) -m pip install --quiet --user virtualenv && $(PYTHON) -m virtualenv $(VENV))
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

airflow-db: install
	mkdir -p $(AIRFLOW_HOME)
	$(BIN)/airflow db migrate > $(AIRFLOW_HOME)/db-migrate.log 2>&1 || (cat $(AIRFLOW_HOME)/db-migrate.log; exit 1)
	$(BIN)/airflow pools set kam_warehouse 1 "DuckDB warehouse: one writing task at a time" > /dev/null

# A local Airflow 3 (api-server, scheduler, dag-processor, triggerer) in the background on
# AIRFLOW_PORT (default 8080): prints the URL and the login; `make airflow-stop` ends it.
airflow: install
	$(BIN)/python -m kam.cli.airflow_local start

airflow-stop:
	$(BIN)/python -m kam.cli.airflow_local stop

demo-data: install
	$(BIN)/python -m kam.demo.generate --if-absent

# run_nightly generates the demo drop for AS_OF itself when it is absent, and migrates
# the metadata DB and sets the pool under its run lock (one run per warehouse).
# VARS='{"max_row_change": 0.4}': dbt var overrides for this run (also the gate's thresholds).
run: install
	$(JAVA_FOR_SPARK)
	$(BIN)/python -m kam.cli.run_nightly $(if $(AS_OF),--as-of $(AS_OF)) $(if $(VARS),--vars '$(VARS)')

# The nights FROM..TO in order, one run each (as make run); resumes after the last published date.
backfill: install
	@test -n "$(FROM)" -a -n "$(TO)" || (echo "usage: make backfill FROM=YYYY-MM-DD TO=YYYY-MM-DD [VARS='{...}']"; exit 2)
	$(JAVA_FOR_SPARK)
	$(BIN)/python -m kam.cli.backfill --from $(FROM) --to $(TO) $(if $(VARS),--vars '$(VARS)')

# The dbt docs site, offline and self-contained, into $(KAM_HOME)/docs/index.html (every published night
# builds it too); `make airflow` serves it under Browse > dbt Docs (Cosmos's dbt-docs plugin).
docs: install
	$(BIN)/python -m kam.cli.docs

# ruff (lint and format) on the Python, sqlfluff on the dbt SQL (.sqlfluff); the same hooks run in pre-commit.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint --processes 2 dbt_project

test: install lint airflow-db
	bash tests/postgres/install_postgres.sh
	bash tests/browser/install_chromium.sh
	bash tests/export_tools/install_libreoffice.sh
	bash tests/spark/install_java.sh
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

# The fault suite with figures: every bad-input kind plus the night-level families
# (slow ones included), written to reliability_report.md.
reliability: install airflow-db
	bash tests/spark/install_java.sh --required
	PYTHONPATH=$(CURDIR)/plugins:$(CURDIR) $(BIN)/python -m tests.reliability.report

bench: install
	$(if $(filter spark,$(ENGINE)),bash tests/spark/install_java.sh --required)
	PYTHONPATH=$(CURDIR)/plugins:$(CURDIR) $(BIN)/python -m bench.run --scale $(SCALE) --engine $(ENGINE) $(BENCH_ARGS)

clean:
	rm -rf $(VAR) dbt_project/target dbt_project/logs
