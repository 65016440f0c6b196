"""The raw tables' good frames.

Each passes its suite; the bad frames of tests/quality/ are these with a value changed."""

from __future__ import annotations

import pandas as pd

from support.suite_values import LOADED_AT, days, ints

PRICES = "raw_prices"
ETF = "raw_etf_shares"
MACRO = "raw_macro_observations"
VALUATIONS = "raw_valuations"
CONSTITUENTS = "raw_constituents"


def good_raw_prices() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "symbol": ["IWM", "IWM", "^RUT"],
            "date": days("2026-01-02", "2026-01-05", "2026-01-02"),
            "open": [247.1, 250.2, 2470.5],
            "high": [250.8, 253.0, 2512.9],
            "low": [246.5, 249.6, 2466.0],
            "close": [250.0, 252.5, 2510.3],
            "adj_close": [249.0, 251.49, None],
            "volume": ints(31_250_000, 28_900_000, None),
            "source": "test",
            "loaded_at": LOADED_AT,
        }
    )


def good_raw_etf_shares() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "symbol": ["IWM", "IWM", "SPY"],
            "date": days("2026-01-02", "2026-01-05", "2026-01-02"),
            "shares_outstanding": [250_400_000.0, 251_000_000.0, None],
            "nav": [220.5, 222.0, 681.2],
            "total_net_assets": [55_213_200_000.0, 55_722_000_000.0, 690_000_000_000.0],
            "source": "test",
            "loaded_at": LOADED_AT,
        }
    )


def good_raw_macro_observations() -> pd.DataFrame:
    rows = [  # series, date, realtime_start, kind, value
        ("DFEDTAR", "2008-12-15", "2008-12-15", "estimate", 1.0),
        ("DFEDTARU", "2026-06-30", "2026-06-30", "estimate", 3.75),
        ("DFEDTARL", "2020-03-16", "2020-03-16", "estimate", 0.0),  # the zero lower bound
        ("DFF", "2026-06-29", "2026-06-30", "release", 3.58),
        ("DGS2", "2026-06-29", "2026-06-30", "estimate", 3.62),
        ("DGS10", "2026-06-29", "2026-06-30", "estimate", 4.31),
        ("UNRATE", "2026-05-01", "2026-06-05", "vintage", 4.4),
        ("CPIAUCSL", "2026-05-01", "2026-06-11", "vintage", 331.2),
        ("CPILFESL", "2026-05-01", "2026-06-11", "vintage", 338.5),
        ("BAMLH0A0HYM2", "2026-06-29", "2026-06-30", "estimate", 3.05),
        ("UNRATE", "2026-05-01", "2026-06-08", "loaded", 4.3),  # a revision seen a load later
        ("SAHMREALTIME", "2026-05-01", "2026-06-05", "vintage", 0.27),
    ]
    return pd.DataFrame(
        {
            "series_id": [r[0] for r in rows],
            "date": days(*(r[1] for r in rows)),
            "realtime_start": days(*(r[2] for r in rows)),
            "value": [r[4] for r in rows],
            "realtime_kind": [r[3] for r in rows],
            "source": "test",
            "loaded_at": LOADED_AT,
        }
    )


def good_raw_valuations() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "symbol": ["^RUT", "^RUT", "^GSPC", "^GSPC", "^GSPC"],
            "date": days(*["2026-05-29"] * 5),
            "metric": ["forward_pe", "trailing_pe", "forward_pe", "trailing_pe", "cape"],
            "value": [24.1, 31.0, 21.5, 27.5, 38.9],
            "source": "test",
            "loaded_at": LOADED_AT,
        }
    )


def good_raw_constituents() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "fund": ["IWM", "IWM", "^GSPC"],
            "date": days("2026-05-29", "2026-05-29", "2026-05-29"),
            "symbol": ["ACME", "BLUB", "L0001"],
            "name": ["ACME WIDGETS INC", None, "Sample Large Co 0001"],
            "sector": ["Industrials", None, "Information Technology"],
            "weight": [0.0059, 0.0041, 0.071],
            "shares": [1_000_000.0, None, 2.5e9],
            "source": "test",
            "loaded_at": LOADED_AT,
        }
    )


GOOD = {
    PRICES: good_raw_prices,
    ETF: good_raw_etf_shares,
    MACRO: good_raw_macro_observations,
    VALUATIONS: good_raw_valuations,
    CONSTITUENTS: good_raw_constituents,
}
