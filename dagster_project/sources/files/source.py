"""The ``FilesSource``: one reader per raw contract over the folder's CSV files (the formats
are in the package's docstring); what a folder's entries are is ``entries.py``, how one file
is read ``csvfile.py``."""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import date
from pathlib import Path

import pandas as pd

from dagster_project import reference
from dagster_project.sources import alfred, holdings
from dagster_project.sources.base import LINE, FetchError, NotProvided, fill_adjustment
from dagster_project.sources.files import csvfile
from dagster_project.sources.files.entries import holdings_fund, not_a_file, unknown_entries

PRICE_COLUMNS = ("open", "high", "low", "close", "adj_close", "volume")
ETF_COLUMNS = ("shares_outstanding", "nav", "total_net_assets")
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
        frame = csvfile.read(path, symbol)
        csvfile.require(frame, ["date", "close"], symbol, path)
        out = pd.DataFrame({"symbol": symbol, "date": csvfile.dates(frame, "date", symbol, path)})
        for column in PRICE_COLUMNS:
            out[column] = (
                csvfile.values(frame[column], missing=("", "null"))
                if column in frame
                else float("nan")
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
        return csvfile.finish(out, ["date"], symbol, path, start, end)

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
        frame = csvfile.read(path, series_id)
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
        csvfile.require(frame, [date_column, series], series_id, path)
        out = pd.DataFrame(
            {
                "series_id": series_id,
                "date": csvfile.dates(frame, date_column, series_id, path),
                "value": csvfile.values(frame[series], missing=("", ".")),
                LINE: frame[LINE],
            }
        )
        return csvfile.finish(out[out["value"].notna()], ["date"], series_id, path, start, end)

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
        csvfile.require(frame, [date_column], series_id, path)
        frame = frame.assign(**{date_column: csvfile.dates(frame, date_column, series_id, path)})
        if alfred.is_periods(frame.columns):
            table = frame[[*alfred.PERIOD_COLUMNS, LINE]]
            out = alfred.periods(series_id, str(path), table, keep=(LINE,))
        else:
            table = frame.drop(columns=[c for c in frame if c.startswith("unnamed:")])
            out = alfred.wide(series_id, str(path), table, date_column, keep=(LINE,))
        out = alfred.backdate_archive_start(series_id, out)
        out["value"] = csvfile.values(out["value"], missing=("", "."))
        keys = ["date", "realtime_start"]
        return csvfile.finish(out, keys, series_id, path, start, end)

    def etf_shares(self, symbol: str, start: date, end: date) -> pd.DataFrame:
        """date, shares_outstanding, nav[, total_net_assets]; ``_m``/``_musd`` = millions."""
        path = self._path("etf_shares", symbol)
        frame = csvfile.read(path, symbol)
        columns = {base: csvfile.etf_column(frame, base) for base in ETF_COLUMNS}
        needed = [c for c in ETF_COLUMNS[:2] if columns[c] is None]  # total_net_assets optional
        csvfile.require(frame, ["date", *needed], symbol, path)
        out = pd.DataFrame({"symbol": symbol, "date": csvfile.dates(frame, "date", symbol, path)})
        for base, found in columns.items():
            out[base] = csvfile.values(frame[found[0]], scale=found[1]) if found else float("nan")
        out[LINE] = frame[LINE]
        present = out[list(ETF_COLUMNS)].notna().any(axis=1)
        return csvfile.finish(out[present], ["date"], symbol, path, start, end)

    def valuations(self, symbol: str, start: date, end: date) -> pd.DataFrame:
        """date and one column per metric (forward_pe, trailing_pe, cape, ...), to long form."""
        path = self._path("valuations", symbol)
        frame = csvfile.read(path, symbol)
        metrics = [
            c for c in frame.columns if c not in ("date", LINE) and not c.startswith("unnamed:")
        ]
        csvfile.require(frame, ["date", *(metrics or ["<metric>"])], symbol, path)
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
        frame["date"] = csvfile.dates(frame, "date", symbol, path)
        long = frame.melt(
            id_vars=["date", LINE], value_vars=metrics, var_name="metric", value_name="value"
        )
        long = long[long["value"] != ""]
        long["value"] = csvfile.values(long["value"])
        out = long.assign(symbol=symbol)[["symbol", "date", "metric", "value", LINE]]
        return csvfile.finish(out, ["date", "metric"], symbol, path, start, end)

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
            p for p in folder.glob(f"{fund}_holdings*.csv") if holdings_fund(p.name) == fund
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
            problem = not_a_file(self.data_dir, path)
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
        return unknown_entries(self.data_dir, self.funds(), members)

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
        saying so, and so is an entry so named that is not a file (``entries.not_a_file``), not
        a file the source does not have."""
        path = self.data_dir / folder / f"{key}.csv"
        if path.is_file():
            return path
        near = self._names(folder).get(path.name.casefold())
        if near is not None:
            found = path.parent / near
            problem = (
                not_a_file(self.data_dir, found) or f"named {near}, not {path.name}: rename it"
            )
            raise FetchError(key, str(found), problem)
        raise NotProvided(key, str(path), f"no file {folder}/{key}.csv in ROTATION_DATA_DIR")

    def _names(self, folder: str) -> dict[str, str]:
        """The folder's file names by their case-folded name (listed once, not per key)."""
        if folder not in self._listed:
            where = self.data_dir / folder
            names = sorted(p.name for p in where.iterdir()) if where.is_dir() else []
            self._listed[folder] = {name.casefold(): name for name in names}
        return self._listed[folder]
