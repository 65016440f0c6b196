"""Ingest assets: one per raw contract, each an upsert of what the configured source returns.

A load is incremental: each symbol or series is fetched from its last loaded date minus an
overlap (revisions overwrite; a monthly macro series is revised years back, so its overlap is
five years), unless a full refresh is asked for. The files source is the exception where it
can be: a key whose file changed since it was loaded (its SHA-256 differs from the one kept in
``raw.file_digests``, or none is kept for its stored rows) is fetched whole from the start date
and replaces the key's stored history, as a full refresh would (rows the file no longer has are
deleted); an edit anywhere in a file, however old, is loaded. Files are cheap to read: every
file is hashed on every run. A price history whose
overlap no longer matches what is stored, on a day before the last one loaded, is fetched again
whole: providers re-base a whole history at a dividend (Yahoo's Adj Close) or a split (its
Close too), and loading only its end would leave a false return where the overlap begins.

Keys are fetched one by one (the live source: several at once, as many as its HTTP client
allows in flight); a key that fails is reported and does not stop the others, and the asset's
blocking check ``all_keys_loaded`` then fails, so no mart is rebuilt on a partial load. Each
load is validated before it is written (dagster_project.gate: the table's suite, plausibility
against history, a history that would shrink): a refused load writes nothing, and the asset's
blocking checks fail. Rows quarantined by a run are listed by the warning check
``nothing_quarantined``.

``raw/constituents`` loads the members of each fund or index (the source's ``funds()``: the
sample's indexes, the iShares funds of the instruments seed for files and live). ``raw/prices``
then loads the instruments *and* every member of each fund's holdings snapshots (those that left
too: the breadth of the days they were held needs them), through the same ``prices`` method.
Members are loaded in batches of ``batch_symbols``, each committed in its own transaction with
its own ``raw.load_log`` row, so a run that fails or is killed half way keeps what it loaded;
and a member whose prices already reach the latest date loaded for the instruments (a member
that left: the first snapshot without it) is current and not fetched again (unless a full
refresh is asked for, or the source is a folder of files, which are cheap to read and may be
edited in place), so the re-run fetches only what is missing. Members that fail are reported
by the non-blocking check ``all_members_loaded``: a few unpriceable holdings (renamed tickers,
unlisted shares) do not stop the marts. The non-blocking check ``instruments_current`` warns of
an instrument whose prices end more than a week before the latest instrument's: a source that
stopped updating it (an old file, a provider gone quiet) loads nothing new and fails nothing,
yet every pair with it stops there. Only its pairs and its own columns: the daily marts follow
the trading calendar (``raw/trading_calendar``, dagster_project.trading_calendar), which runs
as far as any instrument, ETF or macro series is loaded.
"""

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache

import numpy as np
import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetsDefinition,
    Config,
    FreshnessPolicy,
    MaterializeResult,
    MetadataValue,
    asset,
)
from dagster_duckdb import DuckDBResource
from duckdb import DuckDBPyConnection

from dagster_project import plausibility, reference, vintages, warehouse
from dagster_project.gate import PLAUSIBLE_CHECK, PLAUSIBLE_TABLES, Gate, check_name, suite_of
from dagster_project.plausibility import Provenance
from dagster_project.reference import STALE_AFTER
from dagster_project.resources import RotationSettings
from dagster_project.sources import FetchError, NotProvided, Source
from dagster_project.sources.base import LINE, ORIGIN
from dagster_project.sources.files import FilesSource, unknown_file_message

Fetch = Callable[[str, date, date], pd.DataFrame]


@dataclass(frozen=True)
class Ingest:
    description: str
    folder: str  # the files source's folder
    keys: Callable[[Source], list[str]]  # the symbols, series or funds to load
    fetch: Callable[[Source], Fetch]
    freshness: FreshnessPolicy
    deps: tuple[str, ...] = ()  # raw tables this one reads (members: from raw.constituents)
    members: bool = False  # also load the members of every holdings snapshot of each fund
    rebased: bool = False  # the source may re-base the whole history: see the docstring
    current: bool = False  # warn of keys whose history ends well before the others'


# Daily data: at 8 pm New York time each weekday, loaded within the past 24 hours (Dagster caps
# the window at the cron interval), so a day's close is in by the next weekday evening.
DAILY = FreshnessPolicy.cron(
    deadline_cron="0 20 * * 1-5", lower_bound_delta=timedelta(hours=24), timezone="America/New_York"
)
MARGIN = timedelta(days=10)
# Monthly macro: refreshed within the longest wait for a monthly release (the CPI comes by the
# middle of the next month: 46 days after the month's first day), plus a margin.
MONTHLY_MACRO = FreshnessPolicy.time_window(fail_window=timedelta(days=46) + MARGIN)
MONTHLY = FreshnessPolicy.time_window(fail_window=timedelta(days=31) + MARGIN)


INGESTS = {
    "constituents": Ingest(
        "Members of each fund or index on each holdings date: name, sector, weight (a fraction"
        " of the fund) and shares held. Sample: month-end members of ^GSPC and ^RUT; files and"
        " live: the iShares funds' holdings CSVs.",
        "holdings",
        lambda source: source.funds(),
        lambda source: source.constituents,
        MONTHLY,
    ),
    "prices": Ingest(
        "Daily OHLC, adjusted close and volume of every instrument and of every member of each"
        " fund's holdings snapshots (raw.constituents).",
        "prices",
        lambda source: reference.symbols(),
        lambda source: source.prices,
        DAILY,
        deps=("constituents",),
        members=True,
        rebased=True,
        current=True,
    ),
    "etf_shares": Ingest(
        "Daily shares outstanding, NAV and total net assets of every ETF.",
        "etf_shares",
        lambda source: reference.symbols(kind="etf"),
        lambda source: source.etf_shares,
        DAILY,
    ),
    "macro_observations": Ingest(
        "Observations of every macro series, at the series' own frequency.",
        "macro",
        lambda source: reference.series_ids(),
        lambda source: source.macro,
        MONTHLY_MACRO,
    ),
    "valuations": Ingest(
        "Forward and trailing P/E (and other valuation metrics) of every instrument.",
        "valuations",
        lambda source: reference.symbols(),
        lambda source: source.valuations,
        MONTHLY,
    ),
}
COMPLETE_CHECK = "all_keys_loaded"
MEMBERS_CHECK = "all_members_loaded"
CURRENT_CHECK = "instruments_current"
QUARANTINE_CHECK = "nothing_quarantined"
LISTED = 25  # keys named in metadata before "... and N more"


class IngestConfig(Config):
    full_refresh: bool = False  # fetch every key from ROTATION_START_DATE, not incrementally
    allow_shrink: bool = False  # let a replacing load delete more than load_bounds' max_shrink


@dataclass
class Load:
    """What every load of one ingest asset's run must pass (see dagster_project.gate)."""

    gate: Gate
    max_shrink: float | None  # None: a replacing load may delete any share (allowed on purpose)

    @classmethod
    def of(cls, table: str, run_id: str, allow_shrink: bool) -> "Load":
        shrink = None if allow_shrink else plausibility.bounds()[("max_shrink", "all")]
        return cls(Gate(table, run_id), shrink)


@dataclass
class Fetched:
    frames: list[pd.DataFrame] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # key -> error (names the URL or file)
    not_provided: dict[str, str] = field(default_factory=dict)
    rebased: list[str] = field(default_factory=list)  # fetched again whole (see the docstring)

    def add(self, other: "Fetched") -> None:
        self.failed.update(other.failed)
        self.not_provided.update(other.not_provided)
        self.rebased += other.rebased


# A monthly macro series is revised years back (each year's new seasonal factors revise five
# years of CPI and of the unemployment rate); re-reading five years is one request of 60 rows.
MONTHLY_OVERLAP = timedelta(days=5 * 366 + 31)


@cache
def _monthly_series() -> frozenset[str]:
    series = reference.macro_series()
    return frozenset(series.loc[series["frequency"] == "monthly", "series_id"])


def _fetch_one(
    fetch: Fetch, key: str, last_loaded: dict[str, date], settings: RotationSettings
) -> tuple[str, pd.DataFrame | None, NotProvided | FetchError | None]:
    """One key from its last loaded date minus the overlap (or from the start date)."""
    start = settings.start
    if key in last_loaded:
        overlap = timedelta(days=settings.overlap_days)
        if key in _monthly_series():
            overlap = max(overlap, MONTHLY_OVERLAP)
        start = max(start, last_loaded[key] - overlap)
    try:
        return key, fetch(key, start, settings.end), None
    except FetchError as error:  # NotProvided too
        return key, None, error


def _collect(results) -> Fetched:
    fetched = Fetched()
    for key, frame, error in results:
        if isinstance(error, NotProvided):
            fetched.not_provided[key] = str(error)
        elif error is not None:
            fetched.failed[key] = str(error)
        else:
            fetched.frames.append(frame)
    return fetched


def _rebased(frames: list[pd.DataFrame], stored: pd.DataFrame) -> set[str]:
    """The symbols whose fetched rows change a close or adjusted close of ``stored`` (their
    stored overlaps, with each one's ``last_date``) on a day before their last loaded one (whose
    close may have been a partial day's). One merge for a whole batch of members."""
    columns = ["symbol", "date", "close", "adj_close"]
    fetched = pd.concat([f.reindex(columns=columns) for f in frames], ignore_index=True)
    fetched["date"] = pd.to_datetime(fetched["date"])
    both = fetched.merge(stored, on=["symbol", "date"], suffixes=("", "_stored"))
    both = both[both["date"] < both["last_date"]]
    changed = np.zeros(len(both), dtype=bool)
    for column in ("close", "adj_close"):
        values = pd.to_numeric(both[column], errors="coerce").to_numpy(float)
        differs = ~np.isclose(
            values, both[f"{column}_stored"].to_numpy(float), rtol=1e-9, atol=0, equal_nan=True
        )
        if column == "adj_close":  # a source without adjusted closes (Stooq) says nothing of them
            differs &= ~np.isnan(values)
        changed |= differs
    return set(both.loc[changed, "symbol"])


def _keep_adjusted(frames: list[pd.DataFrame], stored: pd.DataFrame) -> list[pd.DataFrame]:
    """``frames`` with the adjusted closes a fallback provider does not give (Stooq: none)
    filled for the symbols whose stored rows have them: on a stored day the stored value, after
    it the close times the symbol's last stored adjustment (adj_close / close). Else the
    fallback would erase a total-return history, or join unadjusted closes to it (a false
    return where they meet). A dividend going ex in the meantime is missed until the primary
    provider answers again: its overlap then differs, and the history is fetched again whole."""
    lacking = {
        f["symbol"].iloc[0] for f in frames if "adj_close" in f and f["adj_close"].isna().any()
    }
    adjusted = stored[stored["symbol"].isin(lacking)].dropna(subset=["adj_close"])
    if adjusted.empty:  # the usual case: every fetched history has its adjusted closes
        return frames
    adjusted = adjusted.sort_values("date")
    factor = adjusted.groupby("symbol")[["adj_close", "close"]].last()
    factor = factor["adj_close"] / factor["close"]
    kept = adjusted.set_index(["symbol", "date"])["adj_close"]
    out = []
    for frame in frames:
        missing = frame["adj_close"].isna() if "adj_close" in frame else None
        if missing is None or not missing.any() or frame["symbol"].iloc[0] not in factor.index:
            out.append(frame)
            continue
        symbol = frame["symbol"].iloc[0]
        days = pd.MultiIndex.from_arrays([frame["symbol"], pd.to_datetime(frame["date"])])
        on_stored_day = pd.Series(kept.reindex(days).to_numpy(), index=frame.index)
        extended = pd.to_numeric(frame["close"], errors="coerce") * factor[symbol]
        filled = frame["adj_close"].where(~missing, on_stored_day.fillna(extended))
        out.append(frame.assign(adj_close=filled))
    return out


def _fetch_rebased_whole(
    fetch: Fetch, fetched: Fetched, stored: pd.DataFrame | None, settings: RotationSettings
) -> Fetched:
    """``fetched`` with the keys whose history the source re-based (``_rebased``) fetched again
    from the start date."""
    if stored is None or not fetched.frames:
        return fetched
    keys = sorted(_rebased(fetched.frames, stored))
    if keys:
        again = _collect(_fetch_one(fetch, key, {}, settings) for key in keys)
        fetched.frames = [f for f in fetched.frames if f.empty or f["symbol"].iloc[0] not in keys]
        fetched.frames += again.frames
        fetched.failed.update(again.failed)
        fetched.rebased += keys
    fetched.frames = _keep_adjusted(fetched.frames, stored)
    return fetched


def fetch_batches(
    fetch: Fetch,
    batches: list[list[str]],
    last_loaded: dict[str, date],
    settings: RotationSettings,
    workers: int = 1,
    stored: pd.DataFrame | None = None,
) -> Iterator[Fetched]:
    """Fetch each batch of keys; with ``workers`` > 1, that many keys at once. With ``stored``
    (``warehouse.recent_prices``), the keys whose history the source re-based are fetched again
    whole (``_fetch_rebased_whole``).

    The next batch is fetched while the caller stores the current one (one batch ahead, so
    memory stays bounded); if the caller stops, keys not yet started are cancelled.
    """
    if workers <= 1:
        for batch in batches:
            fetched = _collect(_fetch_one(fetch, key, last_loaded, settings) for key in batch)
            yield _fetch_rebased_whole(fetch, fetched, stored, settings)
        return
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fetch")

    def submit(batch: list[str]) -> list[Future]:
        return [pool.submit(_fetch_one, fetch, key, last_loaded, settings) for key in batch]

    try:
        ahead = submit(batches[0]) if batches else []
        for i in range(len(batches)):
            current, ahead = ahead, submit(batches[i + 1]) if i + 1 < len(batches) else []
            fetched = _collect(future.result() for future in current)
            yield _fetch_rebased_whole(fetch, fetched, stored, settings)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def fetch_keys(
    fetch: Fetch,
    keys: list[str],
    last_loaded: dict[str, date],
    settings: RotationSettings,
    workers: int = 1,
    stored: pd.DataFrame | None = None,
) -> Fetched:
    """Fetch each key from its last loaded date minus the overlap (or from the start date; see
    ``fetch_batches``)."""
    return next(fetch_batches(fetch, [list(keys)], last_loaded, settings, workers, stored))


def ignored_files(source: Source, ingest: Ingest, members: list[str] = ()) -> dict[str, str]:
    """Files of the files source's folder that name no known key: reported, never loaded."""
    if not isinstance(source, FilesSource):
        return {}
    # stray top-level entries (no folder) are reported once, with the prices
    folders = {ingest.folder, ""} if ingest.folder == "prices" else {ingest.folder}
    return {
        f: unknown_file_message(f)
        for f in source.unknown_files(members)
        if f.rpartition("/")[0] in folders
    }


def _listed(keys: list[str]) -> str:
    more = len(keys) - LISTED
    return ", ".join(keys[:LISTED]) + (f" ... and {more} more" if more > 0 else "")


def _metadata(
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
        "keys_loaded": _listed(first.keys) if first else "none (refused)",
        "loads": len(results),
        "full_refresh": full_refresh,
        "load_id": first.load_id if first else "none",
        "preview": MetadataValue.md(preview.to_markdown(index=False)),
    }


def _bullets(messages: dict[str, str]) -> MetadataValue:
    lines = [f"- {m}" for m in messages.values()]
    if len(lines) > 4 * LISTED:
        lines = [*lines[: 4 * LISTED], f"- ... and {len(lines) - 4 * LISTED} more"]
    return MetadataValue.md("\n".join(lines) or "none")


@dataclass
class Files:
    """The files of a files-source load: their digests, and the keys reloaded whole."""

    digests: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (path, sha256)
    recorded: dict[str, tuple[str, str]] = field(default_factory=dict)  # as kept in the warehouse
    whole: dict[str, str] = field(default_factory=dict)  # key -> why it is reloaded whole

    def loaded(self, keys: list[str], fetched: Fetched) -> dict[str, tuple[str, str]]:
        """The digests of ``keys`` that were read (not failed, not missing): to record."""
        read = [k for k in keys if k not in fetched.failed and k not in fetched.not_provided]
        return {k: self.digests[k] for k in read if k in self.digests}

    def gone(self, table: str, fetched: Fetched) -> dict[str, str]:
        """Keys whose file was loaded before and is gone: their stored rows are kept."""
        return {
            k: f"{k}: {self.recorded[k][0]} was loaded before and is gone: the rows loaded from"
            f" it stay in raw.{table} (put a file back to load it again)"
            for k in sorted(fetched.not_provided)
            if k in self.recorded
        }


@dataclass
class Members:
    """What happened to the members of the holdings snapshots in one prices load."""

    symbols: list[str]  # every member of any holdings snapshot (not an instrument)
    current: list[str]  # already loaded as far as needed (see _load_members): not fetched
    fetched: Fetched  # failed and not provided (frames are not kept)
    loaded: int = 0  # members with rows in this run
    files: Files = field(default_factory=Files)  # the files source's: see _files

    def check(self) -> AssetCheckResult:
        """Passes when every member is loaded or current; a member the source does not
        provide (no file in the folder) is missing from the breadth marts as much as one that
        failed."""
        failed, missing = sorted(self.fetched.failed), sorted(self.fetched.not_provided)
        n = len(self.symbols)
        problems = []
        if failed:
            problems.append(
                f"{len(failed)} of {n} members failed: {_listed(failed)} (each error under"
                " 'failed'; a re-run, after a passing outage or once a file is fixed, fetches"
                " only these)"
            )
        if missing:
            problems.append(
                f"{len(missing)} of {n} members not provided by the source: {_listed(missing)}"
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
                "failed": _bullets(self.fetched.failed),
                "not_provided_by_source": _bullets(self.fetched.not_provided),
            },
        )


def _stored_overlaps(
    con: DuckDBPyConnection,
    table: str,
    keys: list[str],
    last_loaded: dict[str, date],
    settings: RotationSettings,
) -> pd.DataFrame | None:
    """The stored overlaps of the keys a source may re-base (``Ingest.rebased``), else None;
    keys whose overlap reaches the start date are fetched whole anyway."""
    if not INGESTS[table].rebased:
        return None
    overlap = timedelta(days=settings.overlap_days)
    since = {k: last_loaded[k] for k in keys if k in last_loaded}
    since = {k: last for k, last in since.items() if last - overlap > settings.start}
    return warehouse.recent_prices(con, since, settings.overlap_days)


def _files(
    con: DuckDBPyConnection,
    source: Source,
    table: str,
    keys: list[str],
    last_loaded: dict[str, date],
) -> Files:
    """For the files source, each key's file digest, and the keys of ``last_loaded`` (keys with
    stored rows; empty on a full refresh) to reload whole: their file changed since it was
    loaded, or no digest is kept for their rows (loaded before digests were kept, or from
    another source since). Other sources, and holdings (read whole on every run, each file
    replacing its snapshot): nothing."""
    if not isinstance(source, FilesSource) or warehouse.RAW_TABLES[table].snapshot:
        return Files()
    files = Files(source.digests(INGESTS[table].folder, keys), warehouse.file_digests(con, table))
    for key in keys:
        if key not in files.digests or key not in last_loaded:
            continue
        path, sha256 = files.digests[key]
        if key not in files.recorded:
            files.whole[key] = f"{path}: no digest kept for its stored rows"
        elif files.recorded[key][1] != sha256:
            files.whole[key] = f"{path} changed"
    return files


def _replacing(
    full_refresh: bool, whole: dict[str, str], keys: list[str], settings: RotationSettings
) -> tuple[date | None, list[str] | None]:
    """``replace_from`` and ``replace_keys`` of a load of ``keys``: every key on a full refresh,
    else those reloaded whole (``Files.whole``)."""
    if full_refresh:
        return settings.start, None
    replaced = [k for k in keys if k in whole]
    return (settings.start, replaced) if replaced else (None, None)


def _reloaded(
    context: AssetExecutionContext, whole: dict[str, str], settings: RotationSettings
) -> str:
    """Log the keys reloaded whole and say them for the metadata."""
    if not whole:
        return "none"
    listed = _listed([f"{key} ({why})" for key, why in sorted(whole.items())])
    context.log.info(
        f"{len(whole)} file(s) changed since they were loaded, reloaded whole from"
        f" {settings.start} (their stored rows replaced): {listed}"
    )
    return listed


def _upsert(
    context: AssetExecutionContext,
    con: DuckDBPyConnection,
    table: str,
    frames: list[pd.DataFrame],
    source: Source,
    load: Load,
    replace_from: date | None = None,
    replace_keys: list[str] | None = None,
    digests: dict[str, tuple[str, str]] | None = None,
) -> tuple[warehouse.LoadResult | None, pd.DataFrame]:
    """One load: the frames staged, validated (``load.gate``) and upserted in one transaction,
    with its row in raw.load_log; None if it was refused (nothing written: the reasons are
    logged and kept in ``load.gate``). A full refresh (``replace_from``: its start date)
    replaces each fetched key's history from then; with ``replace_keys``, only theirs (files
    changed), the others load incrementally. ``digests``: the files read, recorded with the
    rows (``warehouse.upsert``)."""
    columns = list(warehouse.RAW_TABLES[table].columns)
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    received = len(frame)
    if table == "macro_observations" and len(frame):
        frame = vintages.dated(frame)
        if replace_from is None or replace_keys is not None:
            # a replaced series' vintages are replaced, the others' only added to
            replaced = frame["series_id"].isin(replace_keys or [])
            added = frame[~replaced]
            if len(added):
                stored = warehouse.macro_vintages(con, sorted(added["series_id"].unique()))
                added = vintages.new_vintages(added, stored, date.today())
            parts = [part for part in (frame[replaced], added) if len(part)]
            frame = pd.concat(parts, ignore_index=True) if parts else frame.iloc[:0]
    first = next(iter(warehouse.RAW_TABLES[table].key))
    provenance = Provenance.of(frame, first, f"the {source.name} source")
    try:
        result = warehouse.upsert(
            con,
            table,
            frame,
            source=source.name,
            run_id=context.run.run_id,
            replace_from=replace_from,
            replace_keys=replace_keys,
            digests=digests,
            rows_received=received,
            validate=load.gate.validator(provenance),
            max_shrink=load.max_shrink,
        )
    except warehouse.LoadRefused as refused:
        context.log.error(str(refused))
        load.gate.refused.append(str(refused))
        return None, frame
    context.log.info(
        f"{result.table}: {result.rows_inserted} inserted, {result.rows_updated} updated,"
        f" {result.rows_unchanged} unchanged, {result.rows_quarantined} quarantined"
        + (f", {result.rows_deleted} deleted" if result.rows_deleted else "")
        + f" ({result.min_date}..{result.max_date}; {len(result.keys)} key(s))"
    )
    return result, frame


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


def _load_members(
    context: AssetExecutionContext,
    duckdb: DuckDBResource,
    table: str,
    source: Source,
    instruments: list[str],
    last_loaded: dict[str, date],
    settings: RotationSettings,
    full_refresh: bool,
    load: Load,
) -> tuple[Members, list[warehouse.LoadResult]]:
    """Prices of the members of every holdings snapshot, in batches, each its own load."""
    with duckdb.get_connection() as con:
        known = set(instruments)
        needs = {s: until for s, until in warehouse.member_needs(con).items() if s not in known}
        symbols = list(needs)
        latest = warehouse.latest_date(con, table, instruments) if symbols else None
        received = warehouse.last_received(con, table, [s for s in symbols if needs[s]])
    skip = getattr(source, "skip_current", True) and not full_refresh
    current = [
        s
        for s in symbols
        if skip and _is_current(last_loaded.get(s), latest, needs[s], received.get(s))
    ]
    skipped = set(current)
    todo = [s for s in symbols if s not in skipped]
    members = Members(symbols, current, Fetched())
    if not symbols:
        return members, []
    size = max(1, settings.batch_symbols)
    batches = [todo[i : i + size] for i in range(0, len(todo), size)]
    context.log.info(
        f"{len(symbols)} members in the holdings: {len(current)} current (loaded to {latest},"
        f" or past the day they left), {len(todo)} to fetch in {len(batches)} batch(es) of up"
        f" to {size}"
    )
    fetch = INGESTS[table].fetch(source)
    workers = max(1, int(getattr(source, "concurrency", 1) or 1))
    results = []
    with duckdb.get_connection() as con:  # one connection for every batch
        members.files = _files(con, source, table, todo, last_loaded)
        since = {k: d for k, d in last_loaded.items() if k not in members.files.whole}
        stored = _stored_overlaps(con, table, todo, since, settings)
        for number, fetched in enumerate(
            fetch_batches(fetch, batches, since, settings, workers, stored), start=1
        ):
            members.fetched.add(fetched)
            for message in fetched.failed.values():
                context.log.error(message)
            batch = batches[number - 1]
            if fetched.frames:
                result, _ = _upsert(
                    context,
                    con,
                    table,
                    fetched.frames,
                    source,
                    load,
                    *_replacing(full_refresh, members.files.whole, batch, settings),
                    digests=members.files.loaded(batch, fetched),
                )
                if result is None:
                    context.log.error(f"members: batch {number} of {len(batches)} refused")
                    continue
                results.append(result)
                members.loaded += len(result.keys)
            context.log.info(f"members: batch {number} of {len(batches)} committed")
    if members.fetched.not_provided:
        context.log.warning(
            f"{len(members.fetched.not_provided)} member(s) not provided by the {source.name}"
            f" source: {_listed(sorted(members.fetched.not_provided))} (check {MEMBERS_CHECK})"
        )
    return members, results


def _check_specs(table: str) -> list[AssetCheckSpec]:
    ingest = INGESTS[table]
    key = ["raw", table]
    checks = [
        AssetCheckSpec(
            COMPLETE_CHECK,
            asset=key,
            blocking=True,
            description="Every requested symbol, series or fund was fetched and loaded; no load"
            " was refused (see the checks below, and a replacing load that would shrink a"
            " history: load_bounds.csv's max_shrink).",
        )
    ]
    if suite_of(table):
        checks.append(
            AssetCheckSpec(
                check_name(table),
                asset=key,
                blocking=True,
                description=f"Great Expectations suite expectations/{suite_of(table)}.json on"
                " each load's rows before they are written (a load that fails is refused), and"
                " on the stored rows loaded since the check last passed.",
            )
        )
    if table in PLAUSIBLE_TABLES:
        checks.append(
            AssetCheckSpec(
                PLAUSIBLE_CHECK,
                asset=key,
                blocking=True,
                description="Each load's rows are plausible against the stored history (moves,"
                " decimal slips, macro ranges: dbt_models/seeds/load_bounds.csv) before they are"
                " written; a load with an implausible row is refused.",
            )
        )
    checks.append(
        AssetCheckSpec(
            QUARANTINE_CHECK,
            asset=key,
            blocking=False,
            description="No row of this run's loads was quarantined (unusable values: not a"
            " number, zero or negative prices, a required value missing). A warning: the rest"
            " of the load is written; raw.quarantine keeps the rows with their reasons.",
        )
    )
    if ingest.current:
        checks.append(
            AssetCheckSpec(
                CURRENT_CHECK,
                asset=key,
                blocking=False,
                description="Every instrument's prices reach within a week of the latest"
                " instrument's. A warning: a stale instrument ends its pairs there, and its"
                " columns in the daily marts are empty after it; the marts themselves go on to"
                " the trading calendar's last day.",
            )
        )
    if ingest.members:
        checks.append(
            AssetCheckSpec(
                MEMBERS_CHECK,
                asset=key,
                blocking=False,
                description="Every member of each fund's holdings snapshots was fetched and"
                " loaded (or is current). A warning: a re-run fetches only the missing ones.",
            )
        )
    return checks


def _quarantine_check(
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
            f"{total} row(s) of {len(quarantined)} key(s) quarantined: {_listed(list(lines))}"
            if quarantined
            else "no row quarantined"
        ),
        metadata={"rows_quarantined": total, "quarantined": _bullets(lines)},
    )


def _ingest_asset(table: str) -> AssetsDefinition:
    ingest = INGESTS[table]

    @asset(
        key=["raw", table],
        group_name="ingest",
        kinds={"duckdb"},
        description=ingest.description,
        freshness_policy=ingest.freshness,
        deps=[["raw", d] for d in ingest.deps],
        check_specs=_check_specs(table),
    )
    def _load(
        context: AssetExecutionContext,
        config: IngestConfig,
        settings: RotationSettings,
        duckdb: DuckDBResource,
    ) -> MaterializeResult:
        source = settings.client()
        full_refresh = config.full_refresh or settings.full_refresh
        load = Load.of(table, context.run.run_id, config.allow_shrink or settings.allow_shrink)
        keys = ingest.keys(source)
        with duckdb.get_connection() as con:
            load.gate.validate_stored(con)
            last_loaded = {} if full_refresh else warehouse.last_dates(con, table)
            files = _files(con, source, table, keys, last_loaded)
            since = {k: d for k, d in last_loaded.items() if k not in files.whole}
            stored = _stored_overlaps(con, table, keys, since, settings)
        workers = max(1, int(getattr(source, "concurrency", 1) or 1))
        fetched = fetch_keys(ingest.fetch(source), keys, since, settings, workers, stored)
        for message in fetched.failed.values():
            context.log.error(message)
        with duckdb.get_connection() as con:
            result, frame = _upsert(
                context,
                con,
                table,
                fetched.frames,
                source,
                load,
                *_replacing(full_refresh, files.whole, keys, settings),
                digests=files.loaded(keys, fetched),
            )
        results = [] if result is None else [result]
        check_results = []
        members = None
        if ingest.members:
            members, loads = _load_members(
                context, duckdb, table, source, keys, last_loaded, settings, full_refresh, load
            )
            results += loads
        ignored = ignored_files(source, ingest, members.symbols if members else [])
        gone = files.gone(table, fetched)
        if members is not None:
            gone.update(members.files.gone(table, members.fetched))
        for message in [*fetched.not_provided.values(), *ignored.values(), *gone.values()]:
            context.log.warning(message)
        whole = {**files.whole, **(members.files.whole if members else {})}
        rebased = sorted(fetched.rebased + (members.fetched.rebased if members else []))
        if rebased:
            context.log.warning(
                f"{len(rebased)} histories changed before their last loaded day (a dividend or"
                f" split re-based them at the source), fetched again whole: {_listed(rebased)}"
            )
        failed = sorted(fetched.failed)
        refused = load.gate.refused
        problems = ([f"failed: {', '.join(failed)}"] if failed else []) + (
            [f"{len(refused)} load(s) refused, nothing of them written"] if refused else []
        )
        check_results.append(
            AssetCheckResult(
                check_name=COMPLETE_CHECK,
                passed=not problems,
                description="; ".join(problems) or "all keys loaded",
                metadata={
                    "failed": _bullets(fetched.failed),
                    "refused": MetadataValue.md(
                        "\n\n".join(refused).replace("\n- ", "\n  - ") or "none"
                    ),
                    "not_provided_by_source": _bullets(fetched.not_provided),
                    "files_ignored": _bullets(ignored),
                },
            )
        )
        with duckdb.get_connection() as con:
            suite_result = load.gate.record(con)
        if suite_result is not None:
            check_results.append(suite_result)
        if table in PLAUSIBLE_TABLES:
            check_results.append(load.gate.plausible_result())
        check_results.append(_quarantine_check(context, table, results))
        if ingest.current:
            with duckdb.get_connection() as con:
                stale = reference.stale_instruments(warehouse.last_dates(con, table), keys)
            for message in stale.values():
                context.log.warning(message)
            check_results.append(
                AssetCheckResult(
                    check_name=CURRENT_CHECK,
                    passed=not stale,
                    severity=AssetCheckSeverity.WARN,
                    description=f"stale: {', '.join(stale)}" if stale else "all current",
                    metadata={"stale": _bullets(stale)},
                )
            )
        metadata = _metadata(table, results, frame, full_refresh)
        if isinstance(source, FilesSource) and not warehouse.RAW_TABLES[table].snapshot:
            metadata["reloaded_whole"] = _reloaded(context, whole, settings)
            metadata["files_gone"] = _bullets(gone)
        if ingest.rebased:
            metadata["fetched_again_whole"] = _listed(rebased) if rebased else "none"
        if members is not None:
            check_results.append(members.check())
            metadata["members"] = len(members.symbols)
            metadata["members_current"] = len(members.current)
            metadata["members_with_rows"] = members.loaded
        return MaterializeResult(metadata=metadata, check_results=check_results)

    return _load


ingest_assets = [_ingest_asset(table) for table in INGESTS]
