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

# The Spark engine's dbt (dbt-spark, PySpark: about 600 MB) in an environment of its own,
# .venv-spark (docs/spark.md says why): for `make test`, and for `make run` and `make ui` when
# ROTATION_ENGINE=spark.
SPARK_ENV := .venv-spark/.synced
RUN_ENV := $(if $(filter spark,$(ROTATION_ENGINE)),$(SPARK_ENV))

export DAGSTER_HOME := $(CURDIR)/dagster_home
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: run test ui lint env spark-env prepare clean

run: prepare $(RUN_ENV)  ## materialize every asset, then print a summary of the warehouse
	$(BIN)/dagster asset materialize -m dagster_project.definitions --select '*'
	$(BIN)/python -m dagster_project.summary

test: prepare $(SPARK_ENV)  ## the whole test suite (CI runs exactly this)
	$(BIN)/pytest

# dbt must be on PATH for `dagster dev`, which re-parses the dbt project when it starts
ui: prepare $(RUN_ENV)  ## the Dagster UI (and its daemon) on http://127.0.0.1:3000
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/dagster dev -m dagster_project.definitions -h 127.0.0.1 -p 3000

# sqlfluff renders the models with dbt against an in-memory warehouse (see .sqlfluff)
lint: env  ## ruff on the Python, sqlfluff on the dbt project's SQL
	$(BIN)/ruff check dagster_project tests benchmarks
	$(BIN)/ruff format --check dagster_project tests benchmarks
	ROTATION_WAREHOUSE=:memory: $(BIN)/sqlfluff lint dbt_models

env: $(BIN)/.synced

spark-env: $(SPARK_ENV)  ## dbt-spark's environment, .venv-spark (Java 17 comes from the system)

prepare: $(MANIFEST)

# Bytecode compiled once here: where PYTHONDONTWRITEBYTECODE is set (as on CI machines), every
# process would otherwise compile what it imports again (docs/benchmarks.md).
$(BIN)/.synced: pyproject.toml uv.lock
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	$(PYTHON) -m uv sync --frozen --compile-bytecode
	@touch $@

$(SPARK_ENV): $(BIN)/.synced
	UV_PROJECT_ENVIRONMENT=.venv-spark $(PYTHON) -m uv sync --frozen --compile-bytecode --only-group spark
	@touch $@

# The dbt manifest is parsed once here, not at every import of the Dagster definitions.
$(MANIFEST): $(BIN)/.synced $(DBT_FILES) $(DBT_DIRS)
	$(BIN)/dbt parse --quiet --project-dir dbt_models --profiles-dir dbt_models
	@touch $@

clean:
	rm -rf warehouse dbt_models/target dbt_models/logs
