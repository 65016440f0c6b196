"""What is in a files source's folder: the five folders, the entries the source does not
read, and the entries named like a key's file that are not files."""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path

from dagster_project import reference

FOLDERS = ("prices", "macro", "etf_shares", "valuations", "holdings")
HOLDINGS_NAME = re.compile(r"^(?P<fund>[^_]+)_holdings.*\.csv$")


def unknown_entries(
    data_dir: Path, funds: list[str], members: list[str] | tuple[str, ...]
) -> list[str]:
    """Entries of ``data_dir`` a files source does not read (``FilesSource.unknown_files``)."""
    unknown = []
    for entry in sorted(data_dir.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.name in FOLDERS and entry.is_dir():
            unknown += _unknown_in_folder(entry, set(funds), members)
        elif entry.is_dir() or entry.suffix.lower() not in (".md", ".txt"):
            unknown.append(entry.name)
    return unknown


def _unknown_in_folder(
    folder: Path, funds: set[str], members: list[str] | tuple[str, ...]
) -> list[str]:
    """The entries of one of the five folders that are not a key's file, as relative paths."""
    known = set(reference.series_ids() if folder.name == "macro" else reference.symbols())
    if folder.name == "prices":
        known |= set(members)
    # a key's file named so but for case, or not a file, is not unknown: the key's error says so
    known_files = {f"{key}.csv".casefold() for key in known}
    unknown = []
    for file in sorted(folder.iterdir()):
        if folder.name == "holdings":
            usable = holdings_fund(file.name) in funds
        else:
            usable = file.name.casefold() in known_files
        if not (usable or file.name.startswith(".")):
            unknown.append(f"{folder.name}/{file.name}")
    return unknown


def not_a_file(data_dir: Path, path: Path) -> str | None:
    """What an entry of the folder is when it is not a file to read (a directory, a symbolic
    link to nothing or a loop), named by its path in the folder; None for a file."""
    name = path.relative_to(data_dir).as_posix()
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


def holdings_fund(file_name: str) -> str | None:
    """The fund a holdings file is named after (``IWM_holdings (1).csv``: IWM), if any."""
    match = HOLDINGS_NAME.match(file_name)
    return match["fund"] if match else None
