# Rotation Warehouse: `make run` builds the warehouse, `make test` runs the tests.
# Both create the virtual environment from uv.lock first (uv is installed with pip if missing).

PYTHON ?= python3
BIN := .venv/bin
MANIFEST := dbt_models/target/manifest.json
DBT_FILES := $(shell find dbt_models -path dbt_models/target -prune -o -type f \
	\( -name '*.sql' -o -name '*.yml' -o -name '*.csv' \) -print)
# and its folders: a file deleted or moved changes its folder's time, so the manifest follows
DBT_DIRS := $(shell find dbt_models \( -path dbt_models/target -o -path dbt_models/logs \) -prune \
	-o -type d -print)

# the Spark engine's packages (pyproject's `spark` extra, about 500 MB): for `make test-spark`,
# and for `make run` when ROTATION_ENGINE=spark. Not for `make test` or `make ui`: with PySpark
# installed, a process whose main module is no file (`python -c`, the UI's run workers) exits at
# `import great_expectations` (docs/spark.md), so `make test` syncs the environment without it.
SPARK_ENV := $(BIN)/.synced-spark
RUN_ENV := $(if $(filter spark,$(ROTATION_ENGINE)),$(SPARK_ENV))

export DAGSTER_HOME := $(CURDIR)/dagster_home
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: run test test-spark ui lint env prepare clean

run: prepare $(RUN_ENV)  ## materialize every asset, then print a summary of the warehouse
	$(BIN)/dagster asset materialize -m dagster_project.definitions --select '*'
	$(BIN)/python -m dagster_project.summary

test: prepare  ## the whole test suite (CI runs exactly this)
	@if [ -e $(SPARK_ENV) ]; then $(PYTHON) -m uv sync --frozen --compile-bytecode && rm $(SPARK_ENV); fi
	$(BIN)/pytest

test-spark: prepare $(SPARK_ENV)  ## the Spark engine's tests (tests/spark/; Java 17 needed)
	ROTATION_REQUIRE_SPARK=1 $(BIN)/pytest tests/spark

# dbt must be on PATH for `dagster dev`, which re-parses the dbt project when it starts
ui: prepare  ## the Dagster UI (and its daemon) on http://127.0.0.1:3000
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/dagster dev -m dagster_project.definitions -h 127.0.0.1 -p 3000

# sqlfluff renders the models with dbt against an in-memory warehouse (see .sqlfluff)
lint: env  ## ruff on the Python, sqlfluff on the dbt project's SQL
	$(BIN)/ruff check dagster_project tests benchmarks
	$(BIN)/ruff format --check dagster_project tests benchmarks
	ROTATION_WAREHOUSE=:memory: $(BIN)/sqlfluff lint dbt_models

env: $(BIN)/.synced

prepare: $(MANIFEST)

# Bytecode compiled once here: where PYTHONDONTWRITEBYTECODE is set (as on CI machines), every
# process would otherwise compile what it imports again (docs/benchmarks.md).
$(BIN)/.synced: pyproject.toml uv.lock
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	$(PYTHON) -m uv sync --frozen --compile-bytecode
	@touch $@

$(SPARK_ENV): $(BIN)/.synced
	$(PYTHON) -m uv sync --frozen --compile-bytecode --extra spark
	@touch $@

# The dbt manifest is parsed once here, not at every import of the Dagster definitions.
$(MANIFEST): $(BIN)/.synced $(DBT_FILES) $(DBT_DIRS)
	$(BIN)/dbt parse --quiet --project-dir dbt_models --profiles-dir dbt_models
	@touch $@

clean:
	rm -rf warehouse dbt_models/target dbt_models/logs
