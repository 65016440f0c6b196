"""The files source: the entries it does not read, and an entry named like a data file that is
not one, which says what it is.

A dangling symbolic link, a symbolic link loop or a directory where ``prices/IWM.csv`` should be
is a failure of that key naming the entry and what it is (not "named IWM.csv, not IWM.csv:
rename it", nor a file of a symbol the seed lacks); the other keys still load. Every entry is
made here in ``tmp_path``.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from support.files_drop import drop

from dagster_project.ingest import fetch_keys
from dagster_project.ingest.specs import Window
from dagster_project.sources.base import FetchError, NotProvided
from dagster_project.sources.files import FilesSource, unknown_file_message

PRICES = "Date,Close\n2026-01-02,10\n"
EVERY_DAY = (date(1900, 1, 1), date(2100, 12, 31))
# one key of each folder read through the same lookup
KEYS = [("prices", "IWM"), ("macro", "UNRATE"), ("etf_shares", "IWM"), ("valuations", "^RUT")]


def _dangling(root: Path, name: str) -> str:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    target = str(root / "elsewhere" / "gone.csv")
    path.symlink_to(target)
    return target


def _loop(root: Path, name: str) -> None:
    """``name`` -> ``name.other`` -> ``name``: following it never ends."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    other = path.with_name(path.name + ".other")
    path.symlink_to(other.name)
    other.symlink_to(path.name)


def _fails(source: FilesSource, folder: str, key: str) -> FetchError:
    with pytest.raises(FetchError) as error:
        getattr(source, folder)(key, *EVERY_DAY)
    assert not isinstance(error.value, NotProvided)  # a failure, not a file the user lacks
    assert "rename" not in str(error.value)
    assert error.value.key == key
    return error.value


@pytest.mark.parametrize(("folder", "key"), KEYS)
def test_a_dangling_symbolic_link_says_so_and_names_its_target(tmp_path, folder, key):
    target = _dangling(tmp_path, f"{folder}/{key}.csv")
    error = _fails(FilesSource(tmp_path), folder, key)
    assert error.problem.startswith(
        f"{folder}/{key}.csv is a symbolic link to a file that does not exist (target {target})"
    )
    assert error.where == str(tmp_path / folder / f"{key}.csv")


@pytest.mark.parametrize(("folder", "key"), KEYS)
def test_a_symbolic_link_loop_says_so(tmp_path, folder, key):
    _loop(tmp_path, f"{folder}/{key}.csv")
    error = _fails(FilesSource(tmp_path), folder, key)
    assert error.problem.startswith(f"{folder}/{key}.csv is a symbolic link loop")


@pytest.mark.parametrize(("folder", "key"), KEYS)
def test_a_directory_named_like_the_file_says_so(tmp_path, folder, key):
    (tmp_path / folder / f"{key}.csv").mkdir(parents=True)
    error = _fails(FilesSource(tmp_path), folder, key)
    assert error.problem.startswith(f"{folder}/{key}.csv is a directory, not a file")


def test_a_symbolic_link_to_a_directory_is_a_directory(tmp_path):
    (tmp_path / "downloads").mkdir()
    (tmp_path / "prices").mkdir()
    (tmp_path / "prices" / "IWM.csv").symlink_to(tmp_path / "downloads")
    error = _fails(FilesSource(tmp_path), "prices", "IWM")
    assert error.problem.startswith("prices/IWM.csv is a directory, not a file")


def test_a_directory_named_so_but_for_case_is_a_directory_not_a_name_to_fix(tmp_path):
    (tmp_path / "prices" / "iwm.csv").mkdir(parents=True)
    error = _fails(FilesSource(tmp_path), "prices", "IWM")
    assert error.problem.startswith("prices/iwm.csv is a directory, not a file")


def test_a_symbolic_link_to_a_file_is_read(tmp_path):
    (tmp_path / "downloads").mkdir()
    (tmp_path / "downloads" / "IWM.csv").write_text(PRICES)
    (tmp_path / "prices").mkdir()
    (tmp_path / "prices" / "IWM.csv").symlink_to(tmp_path / "downloads" / "IWM.csv")
    frame = FilesSource(tmp_path).prices("IWM", *EVERY_DAY)
    assert frame["close"].tolist() == [10.0]


def test_such_entries_are_not_also_reported_as_files_of_unknown_symbols(tmp_path):
    _dangling(tmp_path, "prices/IWM.csv")
    _loop(tmp_path, "prices/SPY.csv")
    (tmp_path / "prices" / "IJR.csv").mkdir()
    # the loop's other half is named like no symbol: it is reported, as before
    assert FilesSource(tmp_path).unknown_files() == ["prices/SPY.csv.other"]


def test_the_key_fails_and_the_others_load(tmp_path):
    _dangling(tmp_path, "prices/IWM.csv")
    (tmp_path / "prices" / "SPY.csv").write_text(PRICES)
    window = Window(date(2000, 1, 1), date.today(), overlap_days=10)
    fetched = fetch_keys(FilesSource(tmp_path).prices, ["IWM", "SPY"], {}, window)
    assert [f["symbol"].iloc[0] for f in fetched.frames] == ["SPY"]
    assert list(fetched.failed) == ["IWM"]
    failure = fetched.failed["IWM"]
    assert failure.startswith("IWM: prices/IWM.csv is a symbolic link to a file that does not")


@pytest.mark.parametrize(
    ("make", "what"),
    [
        (lambda p: p.mkdir(), "is a directory, not a file"),
        (lambda p: p.symlink_to(p.with_name("gone.csv")), "is a symbolic link to a file that"),
        (lambda p: os.symlink(p.name, p), "is a symbolic link loop"),
    ],
    ids=["directory", "dangling", "loop"],
)
def test_a_holdings_entry_that_is_not_a_file_fails_the_fund_by_name(tmp_path, make, what):
    (tmp_path / "holdings").mkdir()
    make(tmp_path / "holdings" / "IWM_holdings.csv")
    error = _fails(FilesSource(tmp_path), "constituents", "IWM")
    assert error.problem.startswith(f"holdings/IWM_holdings.csv {what}")
    assert FilesSource(tmp_path).unknown_files() == []


# --- files the source does not read -----------------------------------------------------------


def test_unknown_files(tmp_path):
    for name in [
        "holdings/IWM_holdings.csv",
        "holdings/IJR_holdings_20260529.csv",
        "holdings/IJH_holdings.csv",
        "holdings/notes.txt",
        "prices/IWM.csv",
        "prices/^RUT.csv",
        "prices/FOO.csv",
        "prices/IWM.xlsx",
        "prices/.DS_Store",
        "macro/UNRATE.csv",
        "macro/IWM.csv",
        "etf_shares/IWM.csv",
        "etf_shares/UNRATE.csv",
        "valuations/^GSPC.csv",
        "IWM.csv",
        "README.md",
    ]:
        drop(tmp_path, name, ["date,close"])
    (tmp_path / "price").mkdir()
    (tmp_path / "prices" / "old").mkdir()
    assert FilesSource(tmp_path).unknown_files() == [
        "IWM.csv",
        "etf_shares/UNRATE.csv",
        "holdings/IJH_holdings.csv",
        "holdings/notes.txt",
        "macro/IWM.csv",
        "price",
        "prices/FOO.csv",
        "prices/IWM.xlsx",
        "prices/old",
    ]


def test_unknown_file_messages():
    assert unknown_file_message("prices/FOO.csv") == (
        "prices/FOO.csv: FOO is not in dbt_models/seeds/instruments.csv nor in the holdings"
        " of a fund (raw.constituents); add it there or remove the file"
    )
    assert "dbt_models/seeds/macro_series.csv" in unknown_file_message("macro/FOO.csv")
    assert "not a .csv file" in unknown_file_message("prices/IWM.xlsx")
    assert "not one of the folders" in unknown_file_message("price")
    assert unknown_file_message("holdings/IJH_holdings.csv") == (
        "holdings/IJH_holdings.csv: not <FUND>_holdings*.csv for an iShares fund of"
        " dbt_models/seeds/instruments.csv (IVV, IWM, IJR); rename or remove it"
    )


def test_prices_of_fund_members_are_known_files(tmp_path):
    for name in ("prices/ACME.csv", "prices/ZZZ.csv"):
        drop(tmp_path, name, ["date,close"])
    assert FilesSource(tmp_path).unknown_files(["ACME"]) == ["prices/ZZZ.csv"]
    assert FilesSource(tmp_path).unknown_files() == ["prices/ACME.csv", "prices/ZZZ.csv"]
