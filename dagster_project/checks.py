"""Asset checks of the marts: each Great Expectations suite in ``expectations/`` on a mart.

Mart checks validate the whole mart, which dbt rebuilds on every run, and report (a failure does
not stop the run). Every validation appends its results to ``audit.expectation_results``, so the
quality history can be queried, and keeps its suite's full GX result in
``audit.validation_results`` for the Data Docs.

The raw suites are not here: they guard each load before it is written (dagster_project.gate),
and their checks (``expectations_raw_<table>``, blocking) are the ingest assets' own.
"""

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    MetadataValue,
    asset_check,
)

from dagster_project import quality
from dagster_project.resources import WarehouseResource
from dagster_project.warehouse import append_audit, save_validation


def whole_table_result(con, suite_name: str):
    """GX's result of the suite on its whole table (what a mart's check validates)."""
    frame = con.sql(f"select * from {quality.suite_table(suite_name)}").df()
    return quality.run_suite([frame], suite_name)


def suite_check(suite_name: str) -> AssetChecksDefinition:
    """An asset check that validates the suite's mart, whole."""
    table = quality.suite_table(suite_name)
    schema, name = table.split(".")

    @asset_check(
        asset=[schema, name],
        name=f"expectations_{suite_name}",
        description=f"Great Expectations suite expectations/{suite_name}.json on {table},"
        " on the whole table.",
    )
    def _check(
        context: AssetCheckExecutionContext, warehouse: WarehouseResource
    ) -> AssetCheckResult:
        run_id = context.run.run_id
        with warehouse.get_connection() as con:
            result = whole_table_result(con, suite_name)
            outcomes = quality.outcomes(result)
            append_audit(con, quality.audit_rows(outcomes, suite_name, run_id))
            save_validation(con, suite_name, run_id, quality.result_json(result))
        validated = result.meta["rows_validated"]
        failed = [o for o in outcomes if not o.success]
        for outcome in failed:
            context.log.error(f"{table}: {outcome.describe()}")
        return AssetCheckResult(
            passed=not failed,
            severity=AssetCheckSeverity.ERROR,
            description=(
                f"{len(failed)} of {len(outcomes)} expectations failed on {table}"
                f" ({validated} rows)"
                if failed
                else f"all {len(outcomes)} expectations passed on {table} ({validated} rows)"
            ),
            metadata={
                "rows_validated": validated,
                "expectations": len(outcomes),
                "failed": len(failed),
                "failures": MetadataValue.md(
                    "\n".join(f"- {o.describe()}" for o in failed) or "none"
                ),
            },
        )

    return _check


def mart_suite_checks() -> list[AssetChecksDefinition]:
    """A check for each mart's suite, built when the definitions are assembled (the suites are
    read then, not at import)."""
    return [
        suite_check(name)
        for name in quality.suite_names()
        if not quality.suite_table(name).startswith("raw.")
    ]
