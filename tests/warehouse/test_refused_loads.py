"""Bad data never reaches readers, and no good value is ever overwritten by a refused one.

Each case starts from a copy of the sample warehouse, built whole (raw, marts, serving), and runs
every asset again on the files source with one file holding the sample's own history but for
one bad value, as a cut download or a slip would leave it. A refused load leaves every raw table,
every mart and the published serving database exactly as they were (a digest of each), the run
fails, and the message names the file, the line and the value. The files are written from the
sample's stored rows, so the good rows are the stored ones: only the bad one differs.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dagster_project.definitions import build_definitions
from dagster_project.resources import (
    LoadingResource,
    SourceResource,
    WarehouseResource,
    build_resources,
)
from dagster_project.summary import quarantine_warnings

RAW_DATA = (
    "prices",
    "macro_observations",
    "etf_shares",
    "valuations",
    "constituents",
    "quarantine",
    "trading_calendar",
)
HEADER = "Date,Open,High,Low,Close,Adj Close,Volume"
COLUMNS = ("open", "high", "low", "close", "adj_close", "volume")


def digest(path: Path) -> dict[str, tuple]:
    """Row count and an order-free hash of every row, of each raw data table and mart; the
    file digests' records (which files the rows came from)."""
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [f"raw.{t}" for t in RAW_DATA] + [
            f"marts.{t}"
            for (t,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts'"
            ).fetchall()
        ]
        out = {
            t: con.execute(f"select count(*), sum(hash(x)) from {t} x").fetchone() for t in tables
        }
        out["raw.file_digests"] = con.execute(
            "select count(*), sum(hash(table_name, key, path, sha256)) from raw.file_digests"
        ).fetchone()
        return out


def serving_state(folder: Path) -> tuple:
    """The published database's bytes and the version folders beside it."""
    database = folder / "serving.duckdb"
    versions = sorted(p.name for p in (folder / "serving").iterdir())
    return hashlib.sha256(database.read_bytes()).hexdigest(), versions


@pytest.fixture
def built(sample_warehouse, tmp_path) -> Path:
    """A copy of the sample warehouse's folder: the warehouse, serving.duckdb and its Parquet."""
    folder = tmp_path / "built"
    shutil.copytree(sample_warehouse.parent, folder)
    return folder / sample_warehouse.name


def stored_prices(path: Path, symbol: str) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "select date, open, high, low, close, adj_close, volume from raw.prices"
            " where symbol = ? order by date",
            [symbol],
        ).df()


def price_lines(frame: pd.DataFrame, columns: tuple[str, ...] = COLUMNS) -> list[str]:
    """Yahoo's download of ``frame``: floats written exactly (repr), a null as an empty cell."""

    def cell(column: str, value) -> str:
        if pd.isna(value):
            return ""
        return str(int(value)) if column == "volume" else repr(float(value))

    return [
        ",".join([f"{row['date']:%Y-%m-%d}", *(cell(c, row[c]) for c in columns)])
        for _, row in frame.iterrows()
    ]


def write(folder: Path, name: str, lines: list[str]) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path


def run(built: Path, drop: Path, full_refresh: bool = False):
    resources = build_resources(
        WarehouseResource(path=str(built)),
        SourceResource(name="files", data_dir=str(drop)),
        loading=LoadingResource(full_refresh=full_refresh),
    )
    job = build_definitions(resources).resolve_implicit_global_asset_job_def()
    return job.execute_in_process(raise_on_error=False)


def check(result, name: str, asset: str = "raw/prices"):
    (evaluation,) = [
        e.asset_check_evaluation_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
        and e.asset_check_evaluation_data.check_name == name
        and e.asset_check_evaluation_data.asset_key.to_user_string() == asset
    ]
    return evaluation


def refusal(result) -> str:
    """Every refused load's message of the run (all_keys_loaded of raw/prices or macro)."""
    texts = [
        e.asset_check_evaluation_data.metadata["refused"].value
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
        and e.asset_check_evaluation_data.check_name == "all_keys_loaded"
    ]
    return "\n".join(t for t in texts if t != "none")


def assert_untouched(result, built: Path, before: dict, served: tuple) -> None:
    assert not result.success  # the run fails: `make run` exits non-zero
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert not any(k.startswith(("staging/", "marts/", "serving/")) for k in materialized)
    assert digest(built) == before
    assert serving_state(built.parent) == served


def _fields(line: str) -> list[str]:
    return line.split(",")


def _cut(text: str) -> str:
    """A number cut inside: 6941.47 read as 69.0."""
    return repr(float(text[:2]))


CLOSE = 4  # the field of the close in HEADER's lines
CASES = {  # symbol, the file's columns, the row changed (from the end), the change
    # a close-only index file cut inside its last value
    "cut_last_close": ("^GSPC", ("close",), -1, lambda f: [f[0], _cut(f[1])]),
    # a row cut mid-Close in the middle of the file: the rest of the line lost
    "row_cut_mid_close": ("IWM", COLUMNS, -200, lambda f: [*f[:CLOSE], _cut(f[CLOSE])]),
    # High below Low
    "high_below_low": ("IWM", COLUMNS, -300, lambda f: [f[0], f[1], f[3], f[2], *f[4:]]),
    # a close x100 (its high too, so that only the neighbours tell)
    "close_x100": (
        "IWM",
        COLUMNS,
        -400,
        lambda f: [f[0], f[1], repr(float(f[2]) * 100), f[3], repr(float(f[4]) * 100), *f[5:]],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_price_is_refused_and_overwrites_nothing(built, tmp_path, case):
    symbol, columns, at, change = CASES[case]
    before, served = digest(built), serving_state(built.parent)
    header = "Date," + ",".join(HEADER.split(",")[1 + COLUMNS.index(c)] for c in columns)
    lines = [header, *price_lines(stored_prices(built, symbol), columns)]
    row = len(lines) + at
    lines[row] = ",".join(change(_fields(lines[row])))
    drop = tmp_path / "drop"
    path = write(drop, f"prices/{symbol}.csv", lines)

    result = run(built, drop)

    assert_untouched(result, built, before, served)
    message = refusal(result)
    assert "raw.prices: load refused, nothing written" in message
    assert f"{path} line {row + 1}" in message  # the file and its line (1: the header)
    day, close = _fields(lines[row])[0], _fields(lines[row])[columns.index("close") + 1]
    assert day in message
    assert f"{float(close):g}" in message  # the bad value itself


def test_a_new_day_at_minus_99_percent_is_refused(built, tmp_path):
    before, served = digest(built), serving_state(built.parent)
    stored = stored_prices(built, "^RUT")
    last = stored.iloc[-1]
    lines = [HEADER, *price_lines(stored)]
    new_day = pd.Timestamp(last["date"]) + pd.offsets.BDay(1)
    close = round(last["close"] / 100, 2)
    lines.append(f"{new_day:%Y-%m-%d},,,,{close},,")
    drop = tmp_path / "drop"
    path = write(drop, "prices/^RUT.csv", lines)

    result = run(built, drop)

    assert_untouched(result, built, before, served)
    message = refusal(result)
    assert f"{path} line {len(lines)}" in message
    assert f"{close:g}" in message and "-99.0%" in message
    # the stored neighbour it was compared with
    assert f"{last['close']:g} on {pd.Timestamp(last['date']):%Y-%m-%d}" in message


def test_dgs2_at_99_is_refused(built, tmp_path):
    before, served = digest(built), serving_state(built.parent)
    with duckdb.connect(str(built), read_only=True) as con:
        latest = con.execute(
            "select date, arg_max(value, realtime_start) as value from raw.macro_observations"
            " where series_id = 'DGS2' group by date order by date"
        ).df()
    lines = [
        "observation_date,DGS2",
        *(f"{d:%Y-%m-%d},{v!r}" for d, v in latest.itertuples(index=False)),
    ]
    row = len(lines) - 50
    day = lines[row].split(",")[0]
    lines[row] = f"{day},99"
    drop = tmp_path / "drop"
    path = write(drop, "macro/DGS2.csv", lines)

    result = run(built, drop)

    assert_untouched(result, built, before, served)
    message = refusal(result)
    assert "raw.macro_observations: load refused, nothing written" in message
    assert f"{path} line {row + 1}: DGS2 99 for {day} is outside its plausible range [-1, 25]" in (
        message
    )


def test_a_full_refresh_with_half_a_file_is_refused(built, tmp_path):
    before, served = digest(built), serving_state(built.parent)
    stored = stored_prices(built, "IWM")
    half = stored.iloc[: len(stored) // 2]
    drop = tmp_path / "drop"
    write(drop, "prices/IWM.csv", [HEADER, *price_lines(half)])

    result = run(built, drop, full_refresh=True)

    assert_untouched(result, built, before, served)
    deleted = len(stored) - len(half)
    assert (
        f"IWM: this load would delete {deleted:,} of its {len(stored):,} stored rows from"
        " 1995-01-01" in refusal(result)
    )
    assert "ROTATION_ALLOW_SHRINK=1" in refusal(result)


def test_quarantined_rows_are_said_not_silent(built, tmp_path):
    stored = stored_prices(built, "IWM")
    lines = [HEADER, *price_lines(stored)]
    bad = {  # each a row the writer cannot use: quarantined, the rest of the file loads
        -10: lambda f: [*f[:4], "-" + f[4], *f[5:]],
        -11: lambda f: [*f[:4], "abc", *f[5:]],
        -12: lambda f: [*f[:4], "inf", *f[5:]],
        -13: lambda f: [*f[:6], '"34,415,200"'],
    }
    for at, change in bad.items():
        lines[at] = ",".join(change(_fields(lines[at])))
    drop = tmp_path / "drop"
    write(drop, "prices/IWM.csv", lines)

    result = run(built, drop)

    assert result.success  # quarantine is a warning: the rest loads and the marts rebuild
    quarantined = check(result, "nothing_quarantined")
    assert not quarantined.passed and quarantined.severity.value == "WARN"
    assert quarantined.metadata["rows_quarantined"].value == 4
    listed = quarantined.metadata["quarantined"].value
    assert "IWM: 4 row(s)" in listed
    reasons = ("close <= 0", "close is not a number", "close is out of range", "volume is not a")
    for reason in reasons:
        assert reason in listed
    first = min(line.split(",")[0] for line in (lines[at] for at in bad))
    assert f"first on {first}" in listed
    # and the summary printed after `make run`
    with duckdb.connect(str(built), read_only=True) as con:
        said = quarantine_warnings(con)
    assert len(said) == 1 and "raw.prices: 4 row(s) of IWM quarantined by the latest run" in said[0]
