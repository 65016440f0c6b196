"""The suites on hand-made frames: each suite's good frame (support/good_frames/) passes, and
each bad frame (support/bad_frames/) fails the expectation named, on the column named."""

from __future__ import annotations

import pandas as pd
import pytest
from support.bad_frames import BAD
from support.good_frames import GOOD
from support.good_frames.rotation import PRICES_DAILY
from support.suite_cases import changed, failures
from support.suite_values import BETWEEN, IN_SET

from dagster_project import quality, reference


@pytest.mark.parametrize("suite", sorted(GOOD))
def test_good_frame_passes(suite):
    assert [o.describe() for o in failures(GOOD[suite](), suite)] == []


def test_every_suite_has_bad_frames():
    assert {case.values[0] for case in BAD} == set(GOOD)


@pytest.mark.parametrize("suite, frame, expectation, column", BAD)
def test_bad_frame_fails_the_named_expectation(suite, frame, expectation, column):
    failed = failures(frame, suite)
    assert (expectation, column) in [(o.expectation, o.column) for o in failed], [
        o.describe() for o in failed
    ]


@pytest.mark.parametrize("day", ["1987-10-19", "2008-10-13", "2020-03-16"])
def test_a_real_crash_day_is_an_allowed_exception(day):
    frame = changed(PRICES_DAILY, 1, price_date=pd.Timestamp(day), ret_1d=-0.3)
    assert [o.describe() for o in failures(frame, PRICES_DAILY)] == []


def test_every_macro_series_of_the_seed_has_a_plausible_range():
    spec = quality.load_suite("raw_macro_observations")
    (known,) = [
        e
        for e in spec["expectations"]
        if e["kwargs"].get("column") == "series_id" and e["type"] == IN_SET
    ]
    series = set(reference.macro_series()["series_id"])
    assert set(known["kwargs"]["value_set"]) == series
    ranged = {
        e["kwargs"]["row_condition"].split("'")[1]
        for e in spec["expectations"]
        if e["type"] == BETWEEN and e["kwargs"].get("column") == "value"
    }
    assert ranged == series
