"""A mart's good frame with the columns its yml lists, in that order: a column added to a mart
(its SQL and its yml) gets nulls in the frame, one removed leaves it, so the suites' tests
follow the yml as the suites' column sets do (dagster_project.marts), and adding a column
touches the SQL and the yml only. The frames' hand-written columns are the ones the suites'
other expectations read."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from dagster_project import marts, quality

Frames = dict[str, Callable[[], pd.DataFrame]]


def as_in_the_yml(good: Frames) -> Frames:
    """The same good frames, each given its mart's columns from the registry."""
    return {suite: _with_yml_columns(suite, frame) for suite, frame in good.items()}


def _with_yml_columns(suite: str, frame: Callable[[], pd.DataFrame]) -> Callable[[], pd.DataFrame]:
    def good() -> pd.DataFrame:
        columns = marts.mart(quality.suite_table(suite)).columns
        return frame().reindex(columns=list(columns))

    good.__name__ = frame.__name__
    return good
