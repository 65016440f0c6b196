"""Asset checks: each Great Expectations suite in ``expectations/`` guards the asset of its table.

Suites on raw tables are blocking: a failure stops every asset downstream, so no mart is rebuilt
and the last good marts stay as they were. Suites on marts report. Every validation appends its
results to ``audit.expectation_results``, so the quality history can be queried.

A raw check validates only the rows loaded since its suite last passed: those with ``loaded_at``
at or after the start of the table's first load after that validation (``raw.load_log``). An
upsert leaves an unchanged row's ``loaded_at`` as it was, so a daily run validates its new and
changed rows, not the whole history (raw.prices holds millions of member prices); and a row that
failed is validated again by every check until it is fixed, so re-running with the same bad file
stays blocked. The trade-off: a row that passed is not validated again (a suite changed since
does not reach it). Every raw expectation is about one row (or the table's columns, or its key,
which the table's primary key enforces), so no neighbouring rows are needed. A run that loads
nothing new after a pass validates 0 rows and passes. Mart checks validate the whole mart, which
dbt rebuilds on every run.

A big load (a first load of thousands of members: millions of price rows) is validated in
chunks of a million rows, split by symbol, so memory stays bounded (``quality.run_suite``).
Each check also keeps its suite's full GX result in ``audit.validation_results``: the Data Docs
of a raw table render it instead of validating the rows again.
"""

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    MetadataValue,
    asset_check,
)
from dagster_duckdb import DuckDBResource

from dagster_project import quality, warehouse

ROWS_OF_RAW = "rows loaded since the check last passed"


def whole_table_result(con, suite_name: str):
    """GX's result of the suite on its whole table (what a mart's check validates)."""
    frame = con.sql(f"select * from {quality.suite_table(suite_name)}").df()
    return quality.run_suite([frame], suite_name)


def _run_suite(con, suite_name: str) -> tuple[object, str]:
    """GX's result of the suite on what its check validates, and the words for which rows."""
    schema, name = quality.suite_table(suite_name).split(".")
    if schema != "raw":
        return whole_table_result(con, suite_name), "the whole table"
    since = warehouse.unvalidated_since(con, name, suite_name)
    chunks = warehouse.chunks_loaded_since(con, name, since, quality.CHUNK_ROWS)
    result = quality.run_suite(chunks, suite_name)
    if since is None:
        return result, f"{ROWS_OF_RAW}: none"
    return result, f"{ROWS_OF_RAW} (loaded_at >= {since:%Y-%m-%d %H:%M:%S})"


def suite_check(suite_name: str) -> AssetChecksDefinition:
    """An asset check that validates the suite's table (blocking on raw tables).

    On a raw table only the rows loaded since the check last passed are validated (see the
    module docstring).
    """
    table = quality.suite_table(suite_name)
    schema, name = table.split(".")
    rows_of = ROWS_OF_RAW if schema == "raw" else "rows"

    @asset_check(
        asset=[schema, name],
        name=f"expectations_{suite_name}",
        blocking=schema == "raw",
        description=(
            f"Great Expectations suite expectations/{suite_name}.json on {table}"
            + (
                f", on the {ROWS_OF_RAW} (inserted or updated by the loads since)."
                if schema == "raw"
                else ", on the whole table."
            )
        ),
    )
    def _check(context: AssetCheckExecutionContext, duckdb: DuckDBResource) -> AssetCheckResult:
        run_id = context.run.run_id
        with duckdb.get_connection() as con:
            result, rows = _run_suite(con, suite_name)
            outcomes = quality.outcomes(result)
            warehouse.append_audit(con, quality.audit_rows(outcomes, suite_name, run_id))
            warehouse.save_validation(con, suite_name, run_id, quality.result_json(result))
        validated = result.meta["rows_validated"]
        failed = [o for o in outcomes if not o.success]
        for outcome in failed:
            context.log.error(f"{table}: {outcome.describe()}")
        return AssetCheckResult(
            passed=not failed,
            severity=AssetCheckSeverity.ERROR,
            description=(
                f"{len(failed)} of {len(outcomes)} expectations failed on {table}"
                f" ({validated} {rows_of})"
                if failed
                else f"all {len(outcomes)} expectations passed on {table} ({validated} {rows_of})"
            ),
            metadata={
                "rows_validated": validated,
                "rows": rows,
                "expectations": len(outcomes),
                "failed": len(failed),
                "failures": MetadataValue.md(
                    "\n".join(f"- {o.describe()}" for o in failed) or "none"
                ),
            },
        )

    return _check


suite_checks = [suite_check(name) for name in quality.suite_names()]
