"""What a load must pass before it is written: its raw suite, and plausibility against history.

Each load of an ingest asset (the keys' load, each batch of members) is staged by
``warehouse.upsert`` and validated, before anything is written, by:

- the table's Great Expectations suite (``expectations/raw_<table>.json``) on the rows it would
  insert or update, as they would be stored;
- ``plausibility``: each changed price against its neighbours and its stored history, each macro
  value against its series' range and moves.

A load with any problem is refused: nothing of it is written (``warehouse.LoadRefused``), and
each problem names the file and line (or the URL), the value and what it was compared with.
The asset goes on with its other loads, and its blocking checks (``expectations_raw_<table>``,
``plausible_against_history``, ``all_keys_loaded``) fail, so no mart is rebuilt and the last
good marts and serving stay as they were.

Only the rows a load inserts or updates are validated (an unchanged row was validated when it
was written), a million at a time, split by symbol, so memory stays bounded
(``quality.run_suite``); every raw expectation is about one row, the columns or the key, so the
chunks' verdicts are the whole load's. Rows loaded since the suite last passed (by an earlier
writer, or rows that failed) are validated again at the asset's start, as the raw checks always
did: a failure among them fails the check until they are fixed. At the end the asset's
validations are merged into one result, kept in ``audit.expectation_results`` and
``audit.validation_results`` (what the Data Docs render), so a passing run marks every load it
wrote as validated.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field

import duckdb
from dagster import AssetCheckResult, AssetCheckSeverity, MetadataValue

from dagster_project import plausibility, quality, warehouse
from dagster_project.plausibility import Provenance

PLAUSIBLE_CHECK = "plausible_against_history"
PLAUSIBLE_TABLES = ("prices", "macro_observations")
ROWS_OF_RAW = "rows staged by this run's loads, and stored rows loaded since the check last passed"


def suite_of(table: str) -> str | None:
    """The raw suite guarding ``raw.<table>``, if there is one."""
    name = f"raw_{table}"
    return name if name in quality.suite_names() else None


def check_name(table: str) -> str:
    return f"expectations_raw_{table}"


@dataclass
class Gate:
    """The validations of one ingest asset's loads into ``raw.<table>``."""

    table: str
    run_id: str | None
    results: list = field(default_factory=list)  # GX results, merged by ``record``
    implausible: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # why each refused load was refused

    @property
    def suite(self) -> str | None:
        return suite_of(self.table)

    def validate_stored(self, con: duckdb.DuckDBPyConnection) -> None:
        """Validate the stored rows loaded since the suite last passed."""
        if self.suite is None:
            return
        since = warehouse.unvalidated_since(con, self.table, self.suite)
        chunks = warehouse.chunks_loaded_since(con, self.table, since, quality.CHUNK_ROWS)
        self.results.append(quality.run_suite(chunks, self.suite))

    def validator(self, provenance: Provenance) -> warehouse.Validate:
        """The validation ``warehouse.upsert`` runs on a staged load."""

        def validate(con: duckdb.DuckDBPyConnection, table: warehouse.RawTable) -> list[str]:
            problems = []
            if self.suite is not None:
                chunks = warehouse.staged_chunks(con, table, quality.CHUNK_ROWS)
                result = quality.run_suite(chunks, self.suite)
                self.results.append(result)
                if result.meta["rows_validated"] >= quality.CHUNK_ROWS // 10:
                    # GX's garbage (cycles holding the rows validated) would otherwise wait for
                    # a rare full collection, a batch of members each (docs/benchmarks.md)
                    gc.collect()
                problems += [
                    _described(o, provenance, table)
                    for o in quality.outcomes(result)
                    if not o.success
                ]
            implausible = plausibility.problems(con, table.name, provenance)
            self.implausible += implausible
            return problems + implausible

        return validate

    def record(self, con: duckdb.DuckDBPyConnection) -> AssetCheckResult | None:
        """Merge the validations, keep them in the audit, and say the suite's check result."""
        if self.suite is None:
            return None
        result = quality.merge_results(self.results)
        outcomes = quality.outcomes(result)
        warehouse.append_audit(con, quality.audit_rows(outcomes, self.suite, self.run_id))
        warehouse.save_validation(con, self.suite, self.run_id, quality.result_json(result))
        failed = [o for o in outcomes if not o.success]
        validated = result.meta["rows_validated"]
        table = f"raw.{self.table}"
        return AssetCheckResult(
            check_name=check_name(self.table),
            passed=not failed,
            severity=AssetCheckSeverity.ERROR,
            description=(
                f"{len(failed)} of {len(outcomes)} expectations failed on {table}"
                if failed
                else f"all {len(outcomes)} expectations passed on {table}"
            )
            + f" ({validated} {ROWS_OF_RAW})",
            metadata={
                "rows_validated": validated,
                "rows": ROWS_OF_RAW,
                "expectations": len(outcomes),
                "failed": len(failed),
                "failures": MetadataValue.md(
                    "\n".join(f"- {o.describe()}" for o in failed) or "none"
                ),
            },
        )

    def plausible_result(self) -> AssetCheckResult:
        listed = self.implausible[:100]
        more = len(self.implausible) - len(listed)
        return AssetCheckResult(
            check_name=PLAUSIBLE_CHECK,
            passed=not self.implausible,
            severity=AssetCheckSeverity.ERROR,
            description=(
                f"{len(self.implausible)} row(s) blocked: their loads were refused, nothing of"
                " them written"
                if self.implausible
                else "every staged row is plausible against its stored history"
            ),
            metadata={
                "blocked": MetadataValue.md(
                    "\n".join(f"- {p}" for p in listed)
                    + (f"\n- ... and {more} more" if more > 0 else "")
                    or "none"
                )
            },
        )


def _described(outcome: quality.Outcome, provenance: Provenance, table: warehouse.RawTable) -> str:
    """A failed expectation, with where its offending rows came from."""
    first = next(iter(table.key))
    wheres = [
        provenance.where(row[first], row["date"])
        for row in outcome.unexpected_rows
        if first in row and "date" in row
    ]
    at = f" (from {'; '.join(dict.fromkeys(wheres))})" if wheres else ""
    return f"{table.qualified}: {outcome.describe()}{at}"
