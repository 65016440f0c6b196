"""The report's figures and mart codes in words, for the charts and the page alike."""

import pandas as pd


def words(value: object) -> str:
    """A mart label in words: 'large_cap_leadership' -> 'large-cap leadership'."""
    if value is None or pd.isna(value):
        return "n/a"
    return str(value).replace("_cap_", "-cap ").replace("_", " ")


def ordinal(fraction: float) -> str:
    """A fraction as a percentile's ordinal: 0.05 -> '5th', 0.21 -> '21st' (at least '1st')."""
    n = max(1, round(fraction * 100))
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
