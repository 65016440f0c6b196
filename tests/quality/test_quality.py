"""The raw.prices suite: a good frame passes; each kind of bad row fails the expectation named."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from dagster_project import quality

TODAY = date(2026, 11, 24)


def good_prices() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "symbol": ["IWM", "IWM", "^RUT"],
            "date": pd.to_datetime(["2026-01-02", "2026-01-05", "2026-01-02"]),
            "open": [200.0, 201.0, 2000.0],
            "high": [202.0, 203.0, 2010.0],
            "low": [199.0, 200.5, 1990.0],
            "close": [201.0, 202.5, 2005.0],
            "adj_close": [200.0, 201.5, None],
            "volume": pd.array([1_000_000, 900_000, None], dtype="Int64"),
            "source": "test",
            "loaded_at": pd.Timestamp("2026-01-06 12:00"),
        }
    )


def failures(frame: pd.DataFrame) -> list[quality.Outcome]:
    return [o for o in quality.validate(frame, "raw_prices", today=TODAY) if not o.success]


def test_good_prices_pass():
    assert failures(good_prices()) == []


def with_row(**changes) -> pd.DataFrame:
    frame = good_prices()
    for column, value in changes.items():
        frame.loc[1, column] = value
    return frame


@pytest.mark.parametrize(
    "frame, expectation, column",
    [
        (with_row(close=-1.0, low=-2.0), "expect_column_values_to_be_between", "close"),
        (with_row(high=201.5), "expect_column_pair_values_a_to_be_greater_than_b", "high, close"),
        (with_row(low=202.9), "expect_column_pair_values_a_to_be_greater_than_b", "close, low"),
        (with_row(date=pd.Timestamp("2026-11-25")), "expect_column_values_to_be_between", "date"),
        (
            with_row(date=pd.Timestamp("2026-01-02")),
            "expect_compound_columns_to_be_unique",
            "symbol, date",
        ),
        (with_row(symbol=None), "expect_column_values_to_not_be_null", "symbol"),
        (good_prices().drop(columns="adj_close"), "expect_table_columns_to_match_set", None),
    ],
    ids=[
        "negative close",
        "high below close",
        "low above close",
        "future date",
        "duplicate key",
        "null symbol",
        "missing column",
    ],
)
def test_bad_prices_fail_the_named_expectation(frame, expectation, column):
    failed = failures(frame)
    assert (expectation, column) in [(o.expectation, o.column) for o in failed]


def test_a_failure_names_the_offending_values():
    (outcome,) = [o for o in failures(with_row(close=-1.0)) if o.column == "close"]
    assert outcome.unexpected_count == 1
    assert outcome.unexpected_sample == ["-1.0"]
    assert "close" in outcome.describe() and "-1.0" in outcome.describe()


def test_chunks_split_by_symbol_give_the_verdicts_of_the_whole_table():
    """A big load is validated a million rows at a time (checks.py); the merged result must be
    what GX says on the whole frame: same failures, counts, offending rows and statistics."""
    days = pd.bdate_range("2020-01-01", periods=400)
    frame = pd.concat(
        [good_prices().iloc[[0]].assign(symbol=s, date=d) for s in "ABC" for d in days],
        ignore_index=True,
    )
    frame.loc[5, "close"] = -1.0  # A: close <= 0 and below low
    frame.loc[[405, 806], "high"] = 150.0  # B and C: high below open and close
    frame.loc[1100, "date"] = pd.Timestamp("2030-01-02")  # C: after today

    def verdicts(result):
        return {
            (o.expectation, o.column): (
                o.success,
                o.unexpected_count,
                sorted(map(str, o.unexpected_rows)),
            )
            for o in quality.outcomes(result)
        }

    whole = quality.run_suite([frame], "raw_prices", today=TODAY)
    chunked = quality.run_suite(
        [frame[frame.symbol == s] for s in "ABC"], "raw_prices", today=TODAY
    )
    assert verdicts(chunked) == verdicts(whole)
    assert chunked.statistics == whole.statistics

    def value_counts(result):  # B's and C's bad highs are one value pair, counted twice
        return {
            json.dumps(r.expectation_config.kwargs, sort_keys=True, default=str): r.result.get(
                "partial_unexpected_counts"
            )
            for r in result.results
        }

    assert value_counts(chunked) == value_counts(whole)
    assert chunked.meta["rows_validated"] == whole.meta["rows_validated"] == 1200
    failed = {k: v[1] for k, v in verdicts(chunked).items() if not v[0]}
    assert failed == {
        ("expect_column_values_to_be_between", "close"): 1,
        ("expect_column_pair_values_a_to_be_greater_than_b", "close, low"): 1,
        ("expect_column_pair_values_a_to_be_greater_than_b", "high, close"): 2,
        ("expect_column_pair_values_a_to_be_greater_than_b", "high, open"): 2,
        ("expect_column_values_to_be_between", "date"): 1,
    }


def test_a_suite_about_the_whole_table_refuses_chunks():
    assert quality.row_wise("raw_prices")
    mart = next(n for n in quality.suite_names() if not quality.row_wise(n))
    with pytest.raises(ValueError, match="cannot run on chunks"):
        quality.run_suite([pd.DataFrame(), pd.DataFrame()], mart)


def test_every_raw_suite_can_run_on_chunks():
    """A big load is validated in chunks (checks.py): a raw suite with an expectation about
    several rows (a row count, a mean) would need the whole table at once."""
    raw = [name for name in quality.suite_names() if name.startswith("raw_")]
    assert len(raw) == 5 and all(quality.row_wise(name) for name in raw)


def test_gx_does_not_fingerprint_the_frame():
    """GX would hash every row of each frame for a marker nobody reads (a quarter of the time
    of validating a million price rows): ``_validate_frame`` turns it off."""
    result = quality.run_suite([good_prices()], "raw_prices", today=TODAY)
    assert result.success
    assert "ge_load_time" in result.meta["batch_markers"]
    assert "pandas_data_fingerprint" not in result.meta["batch_markers"]
