"""The prices of the funds' members, loaded in batches after the instruments'.

``raw/prices`` loads the instruments *and* every member of each fund's holdings snapshots (those
that left too: the breadth of the days they were held needs them), through the same ``prices``
method. Members are loaded in batches of ``batch_symbols``, each committed in its own
transaction with its own ``raw.load_log`` row, so a run that fails or is killed half way keeps
what it loaded; and a member whose prices already reach the latest date loaded for the
instruments (a member that left: the first snapshot without it) is current and not fetched
again (unless a full refresh is asked for, or the source says not to skip them:
``Source.skip_current``), so the re-run fetches only what is missing. Members that fail are
reported by the non-blocking check ``all_members_loaded``: a few unpriceable holdings (renamed
tickers, unlisted shares) do not stop the marts.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from dagster import AssetCheckResult, AssetCheckSeverity
from duckdb import DuckDBPyConnection

from dagster_project import warehouse
from dagster_project.ingest.fetched import Fetched
from dagster_project.ingest.fetching import fetch_batches
from dagster_project.ingest.files import Files
from dagster_project.ingest.listing import bullets, listed
from dagster_project.ingest.load import replacing, upsert
from dagster_project.ingest.run import Run
from dagster_project.ingest.specs import MEMBERS_CHECK
from dagster_project.reference import STALE_AFTER


@dataclass
class Members:
    """What happened to the members of the holdings snapshots in one prices load."""

    symbols: list[str]  # every member of any holdings snapshot (not an instrument)
    current: list[str]  # already loaded as far as needed (see _is_current): not fetched
    fetched: Fetched  # failed and not provided (frames are not kept)
    loaded: int = 0  # members with rows in this run
    files: Files = field(default_factory=Files)  # the files source's: see files.files_of

    def check(self) -> AssetCheckResult:
        """Passes when every member is loaded or current; a member the source does not
        provide (no file in the folder) is missing from the breadth marts as much as one that
        failed."""
        failed, missing = sorted(self.fetched.failed), sorted(self.fetched.not_provided)
        n = len(self.symbols)
        problems = []
        if failed:
            problems.append(
                f"{len(failed)} of {n} members failed: {listed(failed)} (each error under"
                " 'failed'; a re-run, after a passing outage or once a file is fixed, fetches"
                " only these)"
            )
        if missing:
            problems.append(
                f"{len(missing)} of {n} members not provided by the source: {listed(missing)}"
            )
        description = "; ".join(problems) or (
            f"all {n} members loaded or current ({len(self.current)} current)"
        )
        return AssetCheckResult(
            check_name=MEMBERS_CHECK,
            passed=not problems,
            severity=AssetCheckSeverity.WARN,
            description=description,
            metadata={
                "members": n,
                "members_fetched": n - len(self.current),
                "members_current": len(self.current),
                "members_with_rows": self.loaded,
                "failed": bullets(self.fetched.failed),
                "not_provided_by_source": bullets(self.fetched.not_provided),
            },
        )


def _is_current(
    last: date | None, latest: date | None, left: date | None, received: datetime | None
) -> bool:
    """Whether a member's stored prices (to ``last``) are all the source will give for the days
    it is needed: they reach the instruments' ``latest`` date, or for a member that left, the
    day it ``left``; or, for a member that left, the source was last asked (``received``) a week
    or more after its last price and had nothing newer (delisted or merged before it left: its
    history ended)."""
    due = left or latest
    if last is None or due is None:
        return False
    if last >= due:
        return True
    return left is not None and received is not None and received.date() - last >= STALE_AFTER


def _members(
    run: Run, instruments: list[str], last_loaded: dict[str, date]
) -> tuple[Members, date | None]:
    """Every member of the holdings snapshots, those current among them, and the instruments'
    latest date."""
    with run.warehouse.get_connection() as con:
        known = set(instruments)
        needs = {s: until for s, until in warehouse.member_needs(con).items() if s not in known}
        symbols = list(needs)
        latest = warehouse.latest_date(con, run.table, instruments) if symbols else None
        received = warehouse.last_received(con, run.table, [s for s in symbols if needs[s]])
    skip = run.source.skip_current and not run.full_refresh
    current = [
        s
        for s in symbols
        if skip and _is_current(last_loaded.get(s), latest, needs[s], received.get(s))
    ]
    return Members(symbols, current, Fetched()), latest


def _store_batch(
    run: Run, con: DuckDBPyConnection, members: Members, batch: list[str], fetched: Fetched
) -> warehouse.LoadResult | None:
    """One batch's fetched prices upserted as one load; None if none was fetched or the load
    was refused (logged)."""
    members.fetched.add(fetched)
    for message in fetched.failed.values():
        run.log.error(message)
    if not fetched.frames:
        return None
    whole = members.files.whole
    digests = members.files.loaded(batch, fetched)
    result, _ = upsert(run, con, fetched.frames, *replacing(run, whole, batch), digests=digests)
    if result is not None:
        members.loaded += len(result.keys)
    return result


def _load_batches(
    run: Run, members: Members, batches: list[list[str]], last_loaded: dict[str, date]
) -> list[warehouse.LoadResult]:
    """Each batch fetched (the next one while the current is stored) and committed."""
    fetch = run.ingest.fetch(run.source)
    todo = [symbol for batch in batches for symbol in batch]
    results = []
    with run.warehouse.get_connection() as con:  # one connection for every batch
        members.files, since, stored = run.fetch_from(con, todo, last_loaded)
        fetches = fetch_batches(fetch, batches, since, run.window, run.workers, stored)
        for number, fetched in enumerate(fetches, start=1):
            result = _store_batch(run, con, members, batches[number - 1], fetched)
            if result is None and fetched.frames:
                run.log.error(f"members: batch {number} of {len(batches)} refused")
                continue
            if result is not None:
                results.append(result)
            run.log.info(f"members: batch {number} of {len(batches)} committed")
    return results


def load_members(
    run: Run, instruments: list[str], last_loaded: dict[str, date]
) -> tuple[Members, list[warehouse.LoadResult]]:
    """Prices of the members of every holdings snapshot, in batches, each its own load."""
    members, latest = _members(run, instruments, last_loaded)
    if not members.symbols:
        return members, []
    current = set(members.current)
    todo = [s for s in members.symbols if s not in current]
    size = max(1, run.batch_symbols)
    batches = [todo[i : i + size] for i in range(0, len(todo), size)]
    run.log.info(
        f"{len(members.symbols)} members in the holdings: {len(members.current)} current"
        f" (loaded to {latest}, or past the day they left), {len(todo)} to fetch in"
        f" {len(batches)} batch(es) of up to {size}"
    )
    results = _load_batches(run, members, batches, last_loaded)
    if members.fetched.not_provided:
        run.log.warning(
            f"{len(members.fetched.not_provided)} member(s) not provided by the"
            f" {run.source.name} source: {listed(sorted(members.fetched.not_provided))}"
            f" (check {MEMBERS_CHECK})"
        )
    return members, results
