"""The ``files`` source: a folder in the file-drop formats (docs/sources.md).

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

This package only parses. A cell that is not a number (``n/a``) or not a plausible one (a zero
price) is returned as written: the warehouse writer casts values and quarantines the rows it
cannot use. What makes a file unusable as a whole (no such file, a directory or a broken symbolic
link in its place, a missing column, a date that does not parse, two different rows for one
date) raises ``FetchError`` naming the file.

The source is ``source.py`` (``FilesSource``); what the folder's entries are (the files it does
not read, the entries that are not files) ``entries.py``; how one CSV file is read and checked
``csvfile.py``.
"""

from dagster_project.sources.files.entries import FOLDERS, unknown_file_message
from dagster_project.sources.files.source import FilesSource

__all__ = ["FOLDERS", "FilesSource", "unknown_file_message"]
