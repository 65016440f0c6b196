"""One key's fetch over its window, and what a batch of fetches gave.

A key is fetched from its last loaded date minus an overlap (revisions overwrite), or from the
start date when nothing of it is stored (or on a full refresh). A monthly macro series is
revised years back, so its overlap is five years.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

import pandas as pd

from dagster_project import reference
from dagster_project.ingest.specs import Fetch, Window
from dagster_project.sources import FetchError, NotProvided

# A monthly macro series is revised years back (each year's new seasonal factors revise five
# years of CPI and of the unemployment rate); re-reading five years is one request of 60 rows.
MONTHLY_OVERLAP = timedelta(days=5 * 366 + 31)


@dataclass
class Fetched:
    frames: list[pd.DataFrame] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # key -> error (names the URL or file)
    not_provided: dict[str, str] = field(default_factory=dict)
    rebased: list[str] = field(default_factory=list)  # fetched again whole (ingest.rebased)

    def add(self, other: "Fetched") -> None:
        """Count ``other``'s failures and re-based keys in (not its frames)."""
        self.failed.update(other.failed)
        self.not_provided.update(other.not_provided)
        self.rebased += other.rebased


@cache
def _monthly_series() -> frozenset[str]:
    series = reference.macro_series()
    return frozenset(series.loc[series["frequency"] == "monthly", "series_id"])


def fetch_one(
    fetch: Fetch, key: str, last_loaded: dict[str, date], window: Window
) -> tuple[str, pd.DataFrame | None, NotProvided | FetchError | None]:
    """One key from its last loaded date minus the overlap (or from the start date)."""
    start = window.start
    if key in last_loaded:
        overlap = timedelta(days=window.overlap_days)
        if key in _monthly_series():
            overlap = max(overlap, MONTHLY_OVERLAP)
        start = max(start, last_loaded[key] - overlap)
    try:
        return key, fetch(key, start, window.end), None
    except FetchError as error:  # NotProvided too
        return key, None, error


def collect(results) -> Fetched:
    """The frames of the keys ``fetch_one`` fetched, and the errors of the others."""
    fetched = Fetched()
    for key, frame, error in results:
        if isinstance(error, NotProvided):
            fetched.not_provided[key] = str(error)
        elif error is not None:
            fetched.failed[key] = str(error)
        else:
            fetched.frames.append(frame)
    return fetched
