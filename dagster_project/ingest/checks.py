"""What an ingest asset reports: its checks (their specs and results), and its metadata.

The blocking check ``all_keys_loaded`` fails when a key failed or a load was refused, so no
mart is rebuilt on a partial load; so do the table's suite and plausibility checks (see
dagster_project.gate). The warnings: ``nothing_quarantined`` lists the rows a run quarantined,
``instruments_current`` an instrument whose prices end more than a week before the latest
instrument's (a source that stopped updating it loads nothing new and fails nothing, yet every
pair with it stops there), and ``all_members_loaded`` the members that failed
(``members.Members.check``).
"""

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    MetadataValue,
)

from dagster_project import reference, warehouse
from dagster_project.gate import PLAUSIBLE_CHECK, PLAUSIBLE_TABLES, Gate, check_name, suite_of
from dagster_project.ingest.fetched import Fetched
from dagster_project.ingest.listing import bullets, listed
from dagster_project.ingest.run import Run
from dagster_project.ingest.specs import (
    COMPLETE_CHECK,
    CURRENT_CHECK,
    INGESTS,
    MEMBERS_CHECK,
    QUARANTINE_CHECK,
)
from dagster_project.sources.base import LINE, ORIGIN


def _spec(table: str, name: str, blocking: bool, description: str) -> AssetCheckSpec:
    return AssetCheckSpec(name, asset=["raw", table], blocking=blocking, description=description)


def _gate_specs(table: str) -> list[AssetCheckSpec]:
    """The blocking checks of dagster_project.gate: the raw suite, plausibility."""
    specs = []
    if suite_of(table):
        specs.append(
            _spec(
                table,
                check_name(table),
                True,
                f"Great Expectations suite expectations/{suite_of(table)}.json on each load's rows"
                " before they are written (a load that fails is refused), and on the stored rows"
                " loaded since the check last passed.",
            )
        )
    if table in PLAUSIBLE_TABLES:
        specs.append(
            _spec(
                table,
                PLAUSIBLE_CHECK,
                True,
                "Each load's rows are plausible against the stored history (moves, decimal"
                " slips, macro ranges: dbt_models/seeds/load_bounds.csv) before they are"
                " written; a load with an implausible row is refused.",
            )
        )
    return specs


def check_specs(table: str) -> list[AssetCheckSpec]:
    """Every check of ``raw/<table>``, blocking ones first."""
    ingest = INGESTS[table]
    complete = _spec(
        table,
        COMPLETE_CHECK,
        True,
        "Every requested symbol, series or fund was fetched and loaded; no load was refused"
        " (see the checks below, and a replacing load that would shrink a history:"
        " load_bounds.csv's max_shrink).",
    )
    quarantine = _spec(
        table,
        QUARANTINE_CHECK,
        False,
        "No row of this run's loads was quarantined (unusable values: not a number, zero or"
        " negative prices, a required value missing). A warning: the rest of the load is"
        " written; raw.quarantine keeps the rows with their reasons.",
    )
    current = _spec(
        table,
        CURRENT_CHECK,
        False,
        "Every instrument's prices reach within a week of the latest instrument's. A warning: a"
        " stale instrument ends its pairs there, and its columns in the daily marts are empty"
        " after it; the marts themselves go on to the trading calendar's last day.",
    )
    members = _spec(
        table,
        MEMBERS_CHECK,
        False,
        "Every member of each fund's holdings snapshots was fetched and loaded (or is current)."
        " A warning: a re-run fetches only the missing ones.",
    )
    return [
        complete,
        *_gate_specs(table),
        quarantine,
        *([current] if ingest.current else []),
        *([members] if ingest.members else []),
    ]


def complete_check(gate: Gate, fetched: Fetched, ignored: dict[str, str]) -> AssetCheckResult:
    """Passes when every key was fetched and no load was refused."""
    failed, refused = sorted(fetched.failed), gate.refused
    problems = ([f"failed: {', '.join(failed)}"] if failed else []) + (
        [f"{len(refused)} load(s) refused, nothing of them written"] if refused else []
    )
    return AssetCheckResult(
        check_name=COMPLETE_CHECK,
        passed=not problems,
        description="; ".join(problems) or "all keys loaded",
        metadata={
            "failed": bullets(fetched.failed),
            "refused": MetadataValue.md("\n\n".join(refused).replace("\n- ", "\n  - ") or "none"),
            "not_provided_by_source": bullets(fetched.not_provided),
            "files_ignored": bullets(ignored),
        },
    )


def quarantine_check(
    context: AssetExecutionContext, table: str, results: list[warehouse.LoadResult]
) -> AssetCheckResult:
    """The rows this run's loads quarantined, per key: logged, and a warning check."""
    quarantined = [q for r in results for q in r.quarantined]
    lines = {
        q["key"]: f"{q['key']}: {q['rows']} row(s) ({'; '.join(q['reasons'])}), first on"
        f" {', '.join(q['first_dates']) or 'an unreadable date'}"
        for q in quarantined
    }
    total = sum(q["rows"] for q in quarantined)
    if quarantined:
        context.log.warning(
            f"raw.{table}: {total} row(s) quarantined by this run, not loaded (raw.quarantine"
            " keeps them): " + "; ".join(lines.values())
        )
    return AssetCheckResult(
        check_name=QUARANTINE_CHECK,
        passed=not quarantined,
        severity=AssetCheckSeverity.WARN,
        description=(
            f"{total} row(s) of {len(quarantined)} key(s) quarantined: {listed(list(lines))}"
            if quarantined
            else "no row quarantined"
        ),
        metadata={"rows_quarantined": total, "quarantined": bullets(lines)},
    )


def current_check(run: Run, keys: list[str]) -> AssetCheckResult:
    """Warns of the instruments among ``keys`` whose prices end well before the latest's."""
    with run.warehouse.get_connection() as con:
        stale = reference.stale_instruments(warehouse.last_dates(con, run.table), keys)
    for message in stale.values():
        run.log.warning(message)
    return AssetCheckResult(
        check_name=CURRENT_CHECK,
        passed=not stale,
        severity=AssetCheckSeverity.WARN,
        description=f"stale: {', '.join(stale)}" if stale else "all current",
        metadata={"stale": bullets(stale)},
    )


def load_metadata(
    table: str, results: list[warehouse.LoadResult], frame: pd.DataFrame, full_refresh: bool
) -> dict:
    """The first load (the keys) in detail; member batches after it are summed in."""
    first = results[0] if results else None
    shown = frame.drop(columns=[c for c in (ORIGIN, LINE) if c in frame])
    preview = shown.sort_values("date").tail(5) if len(shown) else shown
    dates = [d for r in results for d in (r.min_date, r.max_date) if d is not None]

    def total(name: str) -> int:
        return sum(getattr(r, name) for r in results)

    return {
        "table": f"raw.{table}",
        "dagster/row_count": total("rows_received"),
        "rows_inserted": total("rows_inserted"),
        "rows_updated": total("rows_updated"),
        "rows_unchanged": total("rows_unchanged"),
        "rows_quarantined": total("rows_quarantined"),
        "rows_deleted": total("rows_deleted"),
        "min_date": str(min(dates)) if dates else "None",
        "max_date": str(max(dates)) if dates else "None",
        "keys_loaded": listed(first.keys) if first else "none (refused)",
        "loads": len(results),
        "full_refresh": full_refresh,
        "load_id": first.load_id if first else "none",
        "preview": MetadataValue.md(preview.to_markdown(index=False)),
    }
