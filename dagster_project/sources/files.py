"""The ``files`` source: a folder in the file-drop formats (the README, "Sources").

``<data_dir>/prices/<SYMBOL>.csv``, ``macro/<SERIES_ID>.csv``, ``etf_shares/<SYMBOL>.csv`` and
``valuations/<SYMBOL>.csv``: one file per symbol or series, named after it (``prices/^RUT.csv``).
Column names are matched case-insensitively, extra columns are ignored. Prices of the members of
a fund are files like any other: ``prices/<MEMBER>.csv``.

``macro/<SERIES_ID>.csv`` is FRED's graph CSV (``observation_date,<SERIES>``: one vintage, its
rows dated by the loader from the release calendar) or one of ALFRED's downloads with every
vintage (the wide "all vintages" CSV, ``observation_date,UNRATE_20240705,..``, or the real-time
periods ``realtime_start,realtime_end,date,value``), told apart by the header; ``alfred.py``
reads ALFRED's, every vintage of each date loads.

``holdings/<FUND>_holdings*.csv``: iShares holdings CSVs exactly as downloaded from the fund's
page (``IWM_holdings.csv``), for the iShares funds of the instruments seed; any number per fund
(``IWM_holdings_20260530.csv``, ``IWM_holdings (1).csv``: whatever follows ``_holdings`` in the
name is ignored). The date of a file is the one in its preamble (``Fund Holdings as of``), never
its name; two files of one fund and date must hold the same rows. See ``holdings.py`` for the
rows kept.

This module only parses. A cell that is not a number (``n/a``) or not a plausible one (a zero
price) is returned as written: the warehouse writer casts values and quarantines the rows it
cannot use. What makes a file unusable as a whole (no such file, a directory or a broken symbolic
link in its place, a missing column, a date that does not parse, two different rows for one
date) raises ``FetchError`` naming the file.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import re
import stat
from datetime import date
from pathlib import Path

import pandas as pd

from dagster_project import reference
from dagster_project.sources import alfred, holdings
from dagster_project.sources.base import LINE, ORIGIN, FetchError, NotProvided, fill_adjustment

FOLDERS = ("prices", "macro", "etf_shares", "valuations", "holdings")
HOLDINGS_NAME = re.compile(r"^(?P<fund>[^_]+)_holdings.*\.csv$")
PRICE_COLUMNS = ("open", "high", "low", "close", "adj_close", "volume")
ETF_COLUMNS = ("shares_outstanding", "nav", "total_net_assets")
MILLIONS = ("_m", "_musd")  # suffixes of a column in millions of its base column's unit
# a time of day and a UTC offset, as yfinance writes dates: "2026-01-02 00:00:00-05:00"
UTC_OFFSET = re.compile(r"(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?:Z|[+-]\d{2}:?\d{2})$")
log = logging.getLogger(__name__)


class FilesSource:
    """Reads one symbol or series at a time from a folder of CSV files."""

    name = "files"
    skip_current = False  # files change in place: every member's file is read on each run
    concurrency = 1  # files are read one at a time

    def __init__(self, data_dir: str | Path | None):
        if not data_dir:
            raise FileNotFoundError(
                "ROTATION_DATA_DIR is not set: point it at a folder with prices/, macro/,"
                " etf_shares/ and valuations/ to use ROTATION_SOURCE=files"
            )
        self.data_dir = Path(data_dir).expanduser()
        self._listed: dict[str, dict[str, str]] = {}  # see _names
        if not self.data_dir.is_dir():
            raise FileNotFoundError(
                f"ROTATION_DATA_DIR={data_dir} is not a folder: point it at a folder with"
                " prices/, macro/, etf_shares/ and valuations/"
            )

    def prices(self, symbol: str, start: date, end: date) -> pd.DataFrame:
        """Yahoo's download columns; only Date and Close are required; an empty cell or Yahoo's
        ``null`` is missing.

        An Adj Close missing on some rows of a file that has it elsewhere is filled as Yahoo's
        (``base.fill_adjustment``), with a warning naming the first line; a cell that is not a
        number elsewhere in the file (quarantined when loaded) does not stop it.
        """
        path = self._path("prices", symbol)
        frame = _read(path, symbol)
        _require(frame, ["date", "close"], symbol, path)
        out = pd.DataFrame({"symbol": symbol, "date": _dates(frame, "date", symbol, path)})
        for column in PRICE_COLUMNS:
            out[column] = (
                _values(frame[column], missing=("", "null")) if column in frame else float("nan")
            )
        out[LINE] = frame[LINE]
        out = out.sort_values("date", kind="stable")
        numbers = out[["close", "adj_close"]].apply(pd.to_numeric, errors="coerce")
        adjusted = fill_adjustment(numbers)
        filled = out["adj_close"].isna() & numbers["close"].notna() & adjusted.notna()
        if filled.any():
            out["adj_close"] = out["adj_close"].where(~filled, adjusted)
            log.warning(
                "%s: %s has %d row(s) with a Close and no Adj Close amid adjusted ones"
                " (first at line %d): each given the adjustment of the row before it",
                symbol,
                path,
                int(filled.sum()),
                out.loc[filled, LINE].min(),
            )
        return _finish(out, ["date"], symbol, path, start, end)

    def macro(self, series_id: str, start: date, end: date) -> pd.DataFrame:
        """One of three formats, told apart by the header (``alfred`` parses the last two):

        - FRED's graph CSV: observation_date (or DATE) and the series, ``.`` or empty =
          missing. The value column is named after the series; ``value`` (FRED's API) is taken
          as it too. One vintage without dates: series_id, date, value (the loader dates them).
        - ALFRED's wide CSV, a column per vintage (``UNRATE_20240705``): every vintage.
        - ALFRED's real-time periods, ``realtime_start,realtime_end,date,value``: every vintage.

        A column named after another series is an error: the file holds another series than its
        name says.
        """
        path = self._path("macro", series_id)
        frame = _read(path, series_id)
        if alfred.is_periods(frame.columns):
            return self._macro_vintages(series_id, path, frame, "date", start, end)
        date_column = "observation_date" if "observation_date" in frame else "date"
        series = series_id.lower()
        others = [c for c in frame if c not in (date_column, LINE) and not c.startswith("unnamed:")]
        if series not in frame and "value" not in frame and others and "_" in others[0]:
            return self._macro_vintages(series_id, path, frame, date_column, start, end)
        second = frame.columns[1] if len(frame.columns) > 2 else date_column
        if series not in frame and second != date_column:
            if second != "value":
                raise FetchError(
                    series_id,
                    str(path),
                    f"the value column is {second.upper()}, not {series_id}: the file holds"
                    " another series than its name says",
                )
            frame = frame.rename(columns={second: series})
        _require(frame, [date_column, series], series_id, path)
        out = pd.DataFrame(
            {
                "series_id": series_id,
                "date": _dates(frame, date_column, series_id, path),
                "value": _values(frame[series], missing=("", ".")),
                LINE: frame[LINE],
            }
        )
        return _finish(out[out["value"].notna()], ["date"], series_id, path, start, end)

    def _macro_vintages(
        self,
        series_id: str,
        path: Path,
        frame: pd.DataFrame,
        date_column: str,
        start: date,
        end: date,
    ) -> pd.DataFrame:
        """An ALFRED download (wide, or real-time periods when it has ``realtime_start``): every
        vintage, the first ones of observations older than the archive dated by the calendar."""
        _require(frame, [date_column], series_id, path)
        frame = frame.assign(**{date_column: _dates(frame, date_column, series_id, path)})
        if alfred.is_periods(frame.columns):
            table = frame[[*alfred.PERIOD_COLUMNS, LINE]]
            out = alfred.periods(series_id, str(path), table, keep=(LINE,))
        else:
            table = frame.drop(columns=[c for c in frame if c.startswith("unnamed:")])
            out = alfred.wide(series_id, str(path), table, date_column, keep=(LINE,))
        out = alfred.backdate_archive_start(series_id, out)
        out["value"] = _values(out["value"], missing=("", "."))
        keys = ["date", "realtime_start"]
        return _finish(out, keys, series_id, path, start, end)

    def etf_shares(self, symbol: str, start: date, end: date) -> pd.DataFrame:
        """date, shares_outstanding, nav[, total_net_assets]; ``_m``/``_musd`` = millions."""
        path = self._path("etf_shares", symbol)
        frame = _read(path, symbol)
        columns = {base: _etf_column(frame, base) for base in ETF_COLUMNS}
        needed = [c for c in ETF_COLUMNS[:2] if columns[c] is None]  # total_net_assets optional
        _require(frame, ["date", *needed], symbol, path)
        out = pd.DataFrame({"symbol": symbol, "date": _dates(frame, "date", symbol, path)})
        for base, found in columns.items():
            out[base] = _values(frame[found[0]], scale=found[1]) if found else float("nan")
        out[LINE] = frame[LINE]
        present = out[list(ETF_COLUMNS)].notna().any(axis=1)
        return _finish(out[present], ["date"], symbol, path, start, end)

    def valuations(self, symbol: str, start: date, end: date) -> pd.DataFrame:
        """date and one column per metric (forward_pe, trailing_pe, cape, ...), to long form."""
        path = self._path("valuations", symbol)
        frame = _read(path, symbol)
        metrics = [
            c for c in frame.columns if c not in ("date", LINE) and not c.startswith("unnamed:")
        ]
        _require(frame, ["date", *(metrics or ["<metric>"])], symbol, path)
        odd = [m for m in metrics if not re.fullmatch(r"[a-z][a-z0-9_]*", m)]
        if odd:  # 'Forward P/E' would load as metric forward_p/e, which no mart reads
            log.warning(
                "%s: %s has metric column(s) %s, loaded under those names; the marts read"
                " forward_pe and trailing_pe: rename the column if it is one of them",
                symbol,
                path,
                ", ".join(repr(m) for m in odd),
            )
        if symbol not in reference.valuation_legs():
            log.warning(
                "%s: %s is loaded into raw.valuations, but the valuation marts read the P/Es of"
                " the small- and large-cap indexes only (%s), not an ETF's",
                symbol,
                path,
                ", ".join(reference.valuation_legs()),
            )
        frame["date"] = _dates(frame, "date", symbol, path)
        long = frame.melt(
            id_vars=["date", LINE], value_vars=metrics, var_name="metric", value_name="value"
        )
        long = long[long["value"] != ""]
        long["value"] = _values(long["value"])
        out = long.assign(symbol=symbol)[["symbol", "date", "metric", "value", LINE]]
        return _finish(out, ["date", "metric"], symbol, path, start, end)

    def funds(self) -> list[str]:
        """The funds whose holdings files this source reads: the iShares funds of the seed."""
        return reference.holdings_funds()

    def constituents(self, fund: str, start: date, end: date) -> pd.DataFrame:
        """Every ``holdings/<FUND>_holdings*.csv`` up to ``end``: fund, date (the file's),
        symbol, name, ... Whatever ``start`` (an incremental load's window): a file of an older
        date dropped after later ones is loaded too (holdings files are few and small, and an
        unchanged snapshot loads as unchanged)."""
        folder = self.data_dir / "holdings"
        paths = sorted(
            p for p in folder.glob(f"{fund}_holdings*.csv") if _holdings_fund(p.name) == fund
        )
        if not paths:
            raise NotProvided(
                fund,
                str(folder / f"{fund}_holdings.csv"),
                f"no file holdings/{fund}_holdings.csv in ROTATION_DATA_DIR (the iShares"
                " holdings CSV as downloaded from the fund's page)",
            )
        by_date: dict[pd.Timestamp, tuple[Path, pd.DataFrame]] = {}
        for path in paths:
            problem = self._not_a_file(path)
            if problem:
                raise FetchError(fund, str(path), problem)
            try:
                text = path.read_text(encoding="utf-8-sig")
            except UnicodeDecodeError as error:
                raise FetchError(fund, str(path), f"not a UTF-8 text file ({error})") from None
            frame = holdings.constituents(
                fund, str(path), holdings.read_holdings(fund, str(path), text)
            )
            day = frame["date"].iloc[0]
            if day in by_date and not by_date[day][1].equals(frame):
                raise FetchError(
                    fund,
                    f"{by_date[day][0]} and {path}",
                    f"two holdings files of {day.date()} with different rows; keep one per date",
                )
            by_date.setdefault(day, (path, frame))
        frame = pd.concat([f for _, f in by_date.values()], ignore_index=True)
        if end is not None:
            for day, (path, _) in sorted(by_date.items()):
                if day > pd.Timestamp(end) and end >= date.today():  # a typo, not a window
                    log.warning("%s: %s is dated %s, after today: left out", fund, path, day.date())
            frame = frame[frame["date"] <= pd.Timestamp(end)]
        return frame.sort_values(["date", "symbol"], kind="stable").reset_index(drop=True)

    def unknown_files(self, members: list[str] | tuple[str, ...] = ()) -> list[str]:
        """Entries of ``data_dir`` this source does not read, as relative paths; sorted.

        Top-level entries other than the five folders, and entries of those folders that are not
        a ``.csv`` file named after a symbol of the instruments seed (a series of the
        macro_series seed in ``macro/``; in ``prices/`` also one of ``members``, the symbols of
        the holdings snapshots; in ``holdings/``, ``<FUND>_holdings*.csv`` of a fund of
        ``funds()``). Hidden files (``.DS_Store``) and top-level notes (``*.md``, ``*.txt``) are
        not data and are not listed, nor is an entry named like a key's file that is not a file
        (a directory, a broken symbolic link): the key's error says what it is. See
        ``unknown_file_message``.
        """
        unknown = []
        funds = set(self.funds())
        for entry in sorted(self.data_dir.iterdir()):
            if entry.name.startswith("."):
                continue
            if entry.name in FOLDERS and entry.is_dir():
                known = set(
                    reference.series_ids() if entry.name == "macro" else reference.symbols()
                )
                if entry.name == "prices":
                    known |= set(members)
                # a key's file named so but for case, or not a file, is not unknown: the key's
                # error says so
                known_files = {f"{key}.csv".casefold() for key in known}
                for file in sorted(entry.iterdir()):
                    if entry.name == "holdings":
                        usable = _holdings_fund(file.name) in funds
                    else:
                        usable = file.name.casefold() in known_files
                    if not (usable or file.name.startswith(".")):
                        unknown.append(f"{entry.name}/{file.name}")
            elif entry.is_dir() or entry.suffix.lower() not in (".md", ".txt"):
                unknown.append(entry.name)
        return unknown

    def digests(self, folder: str, keys: list[str]) -> dict[str, tuple[str, str]]:
        """key -> (``<folder>/<KEY>.csv``, its SHA-256) of each key with a file; keys without
        one are left out. The loader keeps them with the rows loaded (``raw.file_digests``): a
        key whose file's digest changed since is reloaded whole, wherever the edit is. Taken
        before the files are read, so a file edited while it is read is seen as changed on the
        next run."""
        out = {}
        for key in keys:
            path = self.data_dir / folder / f"{key}.csv"
            if path.is_file():
                out[key] = (f"{folder}/{key}.csv", hashlib.sha256(path.read_bytes()).hexdigest())
        return out

    def _path(self, folder: str, key: str) -> Path:
        """The key's file; a file named so but for case (``iwm.csv``, ``IWM.CSV``) is an error
        saying so, and so is an entry so named that is not a file (``_not_a_file``), not a file
        the source does not have."""
        path = self.data_dir / folder / f"{key}.csv"
        if path.is_file():
            return path
        near = self._names(folder).get(path.name.casefold())
        if near is not None:
            found = path.parent / near
            problem = self._not_a_file(found) or f"named {near}, not {path.name}: rename it"
            raise FetchError(key, str(found), problem)
        raise NotProvided(key, str(path), f"no file {folder}/{key}.csv in ROTATION_DATA_DIR")

    def _not_a_file(self, path: Path) -> str | None:
        """What an entry of the folder is when it is not a file to read (a directory, a symbolic
        link to nothing or a loop), named by its path in the folder; None for a file."""
        name = path.relative_to(self.data_dir).as_posix()
        try:
            mode = path.stat().st_mode
        except OSError as error:
            if not path.is_symlink():
                return f"{name} cannot be read ({error.strerror})"
            target = os.readlink(path)
            if error.errno == errno.ELOOP:
                return (
                    f"{name} is a symbolic link loop (target {target}): point it at the file,"
                    " or put the file in its place"
                )
            if error.errno in (errno.ENOENT, errno.ENOTDIR):
                return (
                    f"{name} is a symbolic link to a file that does not exist (target {target}):"
                    " point it at the file, or put the file in its place"
                )
            return f"{name} is a symbolic link that cannot be followed ({error.strerror})"
        if stat.S_ISDIR(mode):
            return f"{name} is a directory, not a file: put the CSV file in its place"
        if not stat.S_ISREG(mode):
            kind = "a pipe, socket or device"
            return f"{name} is not a regular file ({kind}): put the CSV file in its place"
        return None

    def _names(self, folder: str) -> dict[str, str]:
        """The folder's file names by their case-folded name (listed once, not per key)."""
        if folder not in self._listed:
            where = self.data_dir / folder
            names = sorted(p.name for p in where.iterdir()) if where.is_dir() else []
            self._listed[folder] = {name.casefold(): name for name in names}
        return self._listed[folder]


def unknown_file_message(name: str) -> str:
    """The error to report for one entry of ``FilesSource.unknown_files()``."""
    folder, _, file = name.rpartition("/")
    if not folder:
        folders = ", ".join(f"{f}/" for f in FOLDERS)
        return f"{name}: not one of the folders {folders}; move it into one or remove it"
    if not file.endswith(".csv") and folder != "holdings":
        return f"{name}: not a .csv file; {folder}/ holds one <NAME>.csv per key: remove it"
    if folder == "holdings":
        funds = ", ".join(reference.holdings_funds())
        return (
            f"{name}: not <FUND>_holdings*.csv for an iShares fund of"
            f" dbt_models/seeds/instruments.csv ({funds}); rename or remove it"
        )
    seed = "macro_series.csv" if folder == "macro" else "instruments.csv"
    key = file.removesuffix(".csv")
    if folder == "prices":
        return (
            f"{name}: {key} is not in dbt_models/seeds/{seed} nor in the holdings of a fund"
            " (raw.constituents); add it there or remove the file"
        )
    return f"{name}: {key} is not in dbt_models/seeds/{seed}; add it there or remove the file"


def _holdings_fund(file_name: str) -> str | None:
    """The fund a holdings file is named after (``IWM_holdings (1).csv``: IWM), if any."""
    match = HOLDINGS_NAME.match(file_name)
    return match["fund"] if match else None


def _read(path: Path, key: str) -> pd.DataFrame:
    """The file's cells as stripped text ("" when empty), under lower-case column names.

    Blank lines are dropped; ``LINE`` holds each row's line number in the file. The header as
    written is kept in ``attrs["header"]`` for error messages.
    """
    try:
        frame = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
            skip_blank_lines=False,
            index_col=False,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        problem = str(error).strip().splitlines()[0]
        raise FetchError(key, str(path), f"cannot read the file as CSV: {problem}") from error
    header = [str(c).strip() for c in frame.columns]
    frame.columns = [re.sub(r"\s+", "_", c.lower()) for c in header]  # "Adj Close" -> adj_close
    frame = frame.astype(object).fillna("").map(str.strip)
    blank = (frame == "").all(axis=1)
    frame[LINE] = frame.index + 2
    frame = frame[~blank].reset_index(drop=True)
    frame.attrs["header"] = header
    return frame


def _require(frame: pd.DataFrame, columns: list[str], key: str, path: Path) -> None:
    missing = [c for c in columns if c not in frame]
    if missing:
        has = ", ".join(frame.attrs.get("header", [])) or "no columns"
        raise FetchError(
            key,
            str(path),
            f"missing column(s) {', '.join(missing)} (case does not matter); the file has {has}",
        )


def _etf_column(frame: pd.DataFrame, base: str) -> tuple[str, float] | None:
    """The column holding ``base`` and the factor to units: itself, or its millions column."""
    if base in frame:
        return base, 1.0
    return next(((base + s, 1e6) for s in MILLIONS if base + s in frame), None)


def _dates(frame: pd.DataFrame, column: str, key: str, path: Path) -> pd.Series:
    """The column as dates: ISO (2026-01-02, 2026-01-02 00:00:00[-05:00]) or unambiguous text.

    A UTC offset is dropped, keeping the date as written. Other text is accepted when pandas
    reads it the same day-first and month-first, with a four-digit year (``Jan 2, 2026``; not
    ``01/02/2026``, nor ``26-01-02``, which would be 26 January 2002).
    """
    text = frame[column].str.replace(UTC_OFFSET, r"\1", regex=True)
    dates = pd.to_datetime(text, format="ISO8601", errors="coerce")
    rest = dates.isna() & (text != "") & text.str.contains(r"\d{4}", regex=True)
    if rest.any():
        month_first = pd.to_datetime(text[rest], format="mixed", errors="coerce")
        day_first = pd.to_datetime(text[rest], format="mixed", errors="coerce", dayfirst=True)
        dates[rest] = month_first.where(month_first == day_first)
    bad = dates.isna()
    if bad.any():
        examples = "; ".join(
            f"line {line}: {value!r}"
            for line, value in zip(frame[LINE][bad][:3], frame[column][bad][:3], strict=True)
        )
        raise FetchError(
            key,
            str(path),
            f"{int(bad.sum())} date(s) that do not parse ({examples}); write dates as YYYY-MM-DD",
        )
    return dates.dt.normalize()


def _values(text: pd.Series, scale: float = 1.0, missing: tuple[str, ...] = ("",)) -> pd.Series:
    """Floats (times ``scale``) when every cell given is a number; else the cells as written.

    Missing cells are NaN, or None in a text column. A text column keeps each cell's text; when
    ``scale`` is not 1, its numbers are scaled and written back as text.
    """
    present = ~text.isin(missing)
    numbers = pd.to_numeric(text.where(present), errors="coerce").astype("float64")
    if not (present & numbers.isna()).any():
        return numbers * scale
    out = text.astype(object).where(present, None)
    if scale != 1:
        scaled = numbers.notna()
        out[scaled] = (numbers[scaled] * scale).map(repr)
    return out


def _finish(
    frame: pd.DataFrame, keys: list[str], key: str, path: Path, start: date, end: date
) -> pd.DataFrame:
    """Collapse exact duplicates, refuse conflicting ones, keep start..end, sort by the keys;
    each row keeps its file (``ORIGIN``) and line (``LINE``).

    A file without a single row with a value is refused: loading nothing from it would pass
    for a key loaded.
    """
    if frame.empty:
        raise FetchError(
            key, str(path), "no rows with a value (a header only, or every value missing)"
        )
    frame = frame[~frame.drop(columns=LINE).duplicated()]
    clash = frame[frame.duplicated(subset=keys, keep=False)]
    if not clash.empty:
        lines = clash.groupby(clash["date"].dt.strftime("%Y-%m-%d"))[LINE].unique()
        at = "; ".join(f"{day} (lines {', '.join(map(str, n))})" for day, n in lines[:5].items())
        more = f" and {len(lines) - 5} more date(s)" if len(lines) > 5 else ""
        raise FetchError(
            key, str(path), f"different rows for the same date: {at}{more}; keep one per date"
        )
    if start is not None:
        frame = frame[frame["date"] >= pd.Timestamp(start)]
    if end is not None:
        later = frame["date"] > pd.Timestamp(end)
        if later.any() and end >= date.today():  # after today: a typo, not a later window
            first = frame[later].iloc[0]
            log.warning(
                "%s: %s has %d row(s) dated after today, left out (line %d: %s)",
                key,
                path,
                int(later.sum()),
                first[LINE],
                first["date"].date(),
            )
        frame = frame[~later]
    frame = frame.sort_values(keys, kind="stable").reset_index(drop=True)
    return frame.assign(**{ORIGIN: str(path)})  # with LINE: where each row came from
