"""The one package that writes to the DuckDB warehouse: raw schemas, upserts, transactions, load
log. No other code writes DDL or raw rows.

Every raw table has a key (``contracts``); a load is an upsert on that key inside one
transaction (``load.upsert``), together with its row in ``raw.load_log`` (``loadlog``) and the rows
it quarantined (``quarantine``). Re-running a load with the same data changes nothing (not even
``loaded_at``); a load that fails leaves every table exactly as it was.

A load is conformed to its contract (``conform``), staged (``staging``) and checked (``guard``)
before anything is written: a refused one raises ``LoadRefused`` and writes nothing, not even its
load log row. A load from files also records the files it read (``digests``). The ingest reads
what is loaded through ``reads``; the checks keep their results in the audit schema
(``audit``); the marts' trading calendar is written whole (``trading_days``). The DDL and its
migrations are in ``schema``. See docs/architecture.md for where the warehouse sits in the data
flow.
"""

from dagster_project.warehouse.audit import (
    AUDIT_DDL,
    VALIDATIONS_DDL,
    append_audit,
    latest_validation,
    save_validation,
)
from dagster_project.warehouse.contracts import (
    CONSTITUENTS,
    ETF_SHARES,
    MACRO_OBSERVATIONS,
    PRICES,
    RAW_TABLES,
    VALUATIONS,
    RawTable,
)
from dagster_project.warehouse.digests import file_digests
from dagster_project.warehouse.guard import LoadRefused, Validate, shrinking
from dagster_project.warehouse.load import upsert
from dagster_project.warehouse.loadlog import (
    LoadResult,
    chunks_loaded_since,
    last_received,
    staged_chunks,
    unvalidated_since,
)
from dagster_project.warehouse.quarantine import quarantine_summary
from dagster_project.warehouse.reads import (
    last_dates,
    latest_date,
    latest_loaded_day,
    macro_vintages,
    member_needs,
    recent_prices,
)
from dagster_project.warehouse.schema import (
    FILE_DIGESTS_DDL,
    LOAD_LOG_DDL,
    LOAD_LOG_MIGRATIONS,
    QUARANTINE_DDL,
    TRADING_CALENDAR_DDL,
    ensure_schema,
)
from dagster_project.warehouse.trading_days import CalendarResult, write_trading_calendar

__all__ = [
    "AUDIT_DDL",
    "CONSTITUENTS",
    "ETF_SHARES",
    "FILE_DIGESTS_DDL",
    "LOAD_LOG_DDL",
    "LOAD_LOG_MIGRATIONS",
    "MACRO_OBSERVATIONS",
    "PRICES",
    "QUARANTINE_DDL",
    "RAW_TABLES",
    "TRADING_CALENDAR_DDL",
    "VALIDATIONS_DDL",
    "VALUATIONS",
    "CalendarResult",
    "LoadRefused",
    "LoadResult",
    "RawTable",
    "Validate",
    "append_audit",
    "chunks_loaded_since",
    "ensure_schema",
    "file_digests",
    "last_dates",
    "last_received",
    "latest_date",
    "latest_loaded_day",
    "latest_validation",
    "macro_vintages",
    "member_needs",
    "quarantine_summary",
    "recent_prices",
    "save_validation",
    "shrinking",
    "staged_chunks",
    "unvalidated_since",
    "upsert",
    "write_trading_calendar",
]
