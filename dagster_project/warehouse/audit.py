"""The audit schema: every expectation's result, and each suite's latest validation.

``audit.expectation_results`` has one row per expectation of each validation (raw suites and
marts' suites); ``audit.validation_results`` keeps each suite's latest Great Expectations
result (JSON), what the Data Docs render.
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pandas as pd

AUDIT_DDL = """
create table if not exists audit.expectation_results (
    run_id varchar,
    suite varchar not null,
    table_name varchar not null,
    expectation varchar not null,
    column_name varchar,
    success boolean not null,
    observed_value varchar,
    unexpected_count bigint,
    unexpected_rows varchar,
    validated_at timestamp not null
)
"""

VALIDATIONS_DDL = """
create table if not exists audit.validation_results (
    suite varchar primary key,
    run_id varchar,
    validated_at timestamp not null,
    result json not null
)
"""


def ensure_audit(con: duckdb.DuckDBPyConnection) -> None:
    """Create the audit schema and its tables if they do not exist."""
    con.execute("create schema if not exists audit")
    con.execute(AUDIT_DDL)
    con.execute(VALIDATIONS_DDL)


def append_audit(con: duckdb.DuckDBPyConnection, results: pd.DataFrame) -> None:
    """Append one validation's results to ``audit.expectation_results`` (columns as its DDL)."""
    ensure_audit(con)
    con.register("audit_frame", results)
    try:
        con.execute("insert into audit.expectation_results by name select * from audit_frame")
    finally:
        con.unregister("audit_frame")


def save_validation(
    con: duckdb.DuckDBPyConnection, suite: str, run_id: str | None, result_json: str
) -> None:
    """Keep the suite's latest Great Expectations validation result (JSON) for Data Docs."""
    ensure_audit(con)
    con.execute(
        "insert or replace into audit.validation_results values (?, ?, ?, ?)",
        [suite, run_id, datetime.now(UTC).replace(tzinfo=None), result_json],
    )


def latest_validation(con: duckdb.DuckDBPyConnection, suite: str) -> tuple[str, str] | None:
    """The run id and result (JSON) of the suite's latest ``save_validation``, if any."""
    ensure_audit(con)
    rows = con.execute(
        "select run_id, result from audit.validation_results where suite = ?", [suite]
    ).fetchall()
    return rows[0] if rows else None
