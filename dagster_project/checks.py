"""Asset checks: each Great Expectations suite in ``expectations/`` guards one asset."""

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    MetadataValue,
    asset_check,
)
from dagster_duckdb import DuckDBResource

from dagster_project import quality


def suite_check(asset_key: list[str], suite_name: str, *, blocking: bool) -> AssetChecksDefinition:
    """An asset check that validates the suite's table; a blocking one stops downstream assets."""
    table = quality.suite_table(suite_name)

    @asset_check(
        asset=asset_key,
        name=f"expectations_{suite_name}",
        blocking=blocking,
        description=f"Great Expectations suite expectations/{suite_name}.json on {table}.",
    )
    def _check(context: AssetCheckExecutionContext, duckdb: DuckDBResource) -> AssetCheckResult:
        with duckdb.get_connection() as con:
            frame = con.sql(f"select * from {table}").df()
        outcomes = quality.validate(frame, suite_name)
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


raw_checks = [suite_check(["raw", "prices"], "raw_prices", blocking=True)]
