"""The files source: an entry named like a data file that is not one says what it is.

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

from dagster_project.ingest import fetch_keys
from dagster_project.resources import RotationSettings
from dagster_project.sources.base import FetchError, NotProvided
from dagster_project.sources.files import FilesSource

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
    settings = RotationSettings(source="files", data_dir=str(tmp_path), start_date="2000-01-01")
    fetched = fetch_keys(FilesSource(tmp_path).prices, ["IWM", "SPY"], {}, settings)
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
