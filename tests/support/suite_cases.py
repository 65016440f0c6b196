"""The suites' bad frames, made from the good ones (support/good_frames/), and validation."""

from __future__ import annotations

import pandas as pd
import pytest

from dagster_project import quality
from support.good_frames import GOOD
from support.suite_values import TODAY


def failures(frame: pd.DataFrame, suite: str) -> list[quality.Outcome]:
    return [o for o in quality.validate(frame, suite, today=TODAY) if not o.success]


def changed(suite: str, row: int = 0, **changes) -> pd.DataFrame:
    """The suite's good frame with values of one row changed."""
    frame = GOOD[suite]()
    for column, value in changes.items():
        try:
            frame.loc[row, column] = value
        except (TypeError, ValueError):  # a value the column's dtype cannot hold
            frame[column] = frame[column].astype(object)
            frame.loc[row, column] = value
    return frame


def duplicated(suite: str, row: int = 0) -> pd.DataFrame:
    frame = GOOD[suite]()
    return pd.concat([frame, frame.iloc[[row]]], ignore_index=True)


def dropped(suite: str, column: str) -> pd.DataFrame:
    return GOOD[suite]().drop(columns=column)


def bad(case: str, suite: str, expectation: str, column: str | None, row: int = 0, **changes):
    """A bad frame (the good one with ``changes`` in ``row``, or ``frame``) and what it fails."""
    frame = changes.pop("frame", None)
    if frame is None:
        frame = changed(suite, row, **changes)
    return pytest.param(suite, frame, expectation, column, id=case)
