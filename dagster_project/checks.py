"""Asset checks: each Great Expectations suite in ``expectations/`` guards the asset of its table.

Suites on raw tables are blocking: a failure stops every asset downstream, so no mart is rebuilt
and the last good marts stay as they were. Suites on marts report. Every validation appends its
results to ``audit.expectation_results``, so the quality history can be queried.
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


def suite_check(suite_name: str) -> AssetChecksDefinition:
    """An asset check that validates the suite's table (blocking on raw tables)."""
    table = quality.suite_table(suite_name)
    schema, name = table.split(".")

    @asset_check(
        asset=[schema, name],
        name=f"expectations_{suite_name}",
        blocking=schema == "raw",
        description=f"Great Expectations suite expectations/{suite_name}.json on {table}.",
    )
    def _check(context: AssetCheckExecutionContext, duckdb: DuckDBResource) -> AssetCheckResult:
        with duckdb.get_connection() as con:
            frame = con.sql(f"select * from {table}").df()
        outcomes = quality.validate(frame, suite_name)
        with duckdb.get_connection() as con:
            warehouse.append_audit(
                con, quality.audit_rows(outcomes, suite_name, context.run.run_id)
            )
        failed = [o for o in outcomes if not o.success]
        for outcome in failed:
            context.log.error(f"{table}: {outcome.describe()}")
        return AssetCheckResult(
            passed=not failed,
            severity=AssetCheckSeverity.ERROR,
            description=(
                f"{len(failed)} of {len(outcomes)} expectations failed on {table}"
                if failed
                else f"all {len(outcomes)} expectations passed on {table} ({len(frame)} rows)"
            ),
            metadata={
                "rows_validated": len(frame),
                "expectations": len(outcomes),
                "failed": len(failed),
                "failures": MetadataValue.md(
                    "\n".join(f"- {o.describe()}" for o in failed) or "none"
                ),
            },
        )

    return _check


suite_checks = [suite_check(name) for name in quality.suite_names()]
