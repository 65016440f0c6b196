"""What the suites' good and bad frames are written with: the expectations' names, the day the
suites are run on, and short constructors of typed columns."""

from __future__ import annotations

from datetime import date

import pandas as pd

TODAY = date(2026, 11, 24)
FUTURE = pd.Timestamp("2026-11-25")  # the day after TODAY
LOADED_AT = pd.Timestamp("2026-11-24 07:58")

BETWEEN = "expect_column_values_to_be_between"
NOT_NULL = "expect_column_values_to_not_be_null"
NULL = "expect_column_values_to_be_null"
IN_SET = "expect_column_values_to_be_in_set"
UNIQUE = "expect_compound_columns_to_be_unique"
UNIQUE_1 = "expect_column_values_to_be_unique"
COLUMNS = "expect_table_columns_to_match_set"
TYPE = "expect_column_values_to_be_of_type"
PAIR_GT = "expect_column_pair_values_a_to_be_greater_than_b"
PAIR_EQ = "expect_column_pair_values_to_be_equal"
PAIR_IN = "expect_column_pair_values_to_be_in_set"


def days(*values: str | None) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values)))


def bools(*values: bool | None) -> pd.api.extensions.ExtensionArray:
    return pd.array(list(values), dtype="boolean")


def ints(*values: int | None, dtype: str = "Int64") -> pd.api.extensions.ExtensionArray:
    return pd.array(list(values), dtype=dtype)
