"""The bad frames of the raw suites: each a good frame (support/good_frames/raw.py)
with a value changed, and the expectation it must fail on the column named
(tests/quality/test_suite_frames.py)."""

from __future__ import annotations

import pandas as pd

from support.good_frames.raw import CONSTITUENTS, ETF, GOOD, MACRO, PRICES, VALUATIONS
from support.suite_cases import bad, dropped, duplicated
from support.suite_values import (
    BETWEEN,
    COLUMNS,
    FUTURE,
    IN_SET,
    NOT_NULL,
    NULL,
    PAIR_GT,
    TYPE,
    UNIQUE,
)

# One case per important expectation: (suite, bad frame, expectation that must fail, its column)
BAD = [
    # raw.prices (its other cases are in test_quality.py)
    bad("prices: null source", PRICES, NOT_NULL, "source", source=None),
    bad("prices: high not positive", PRICES, BETWEEN, "high", high=0.0, low=-1.0, open=-1.0),
    bad("prices: open above high", PRICES, PAIR_GT, "high, open", open=251.0),
    bad(
        "prices: close loaded as text",
        PRICES,
        TYPE,
        "close",
        frame=GOOD[PRICES]().assign(close=["250.0", "252.5", "2510.3"]),
    ),
    # raw.etf_shares
    bad("etf: negative nav", ETF, BETWEEN, "nav", nav=-220.5),
    bad("etf: zero shares", ETF, BETWEEN, "shares_outstanding", shares_outstanding=0.0),
    bad("etf: assets in millions", ETF, NULL, "total_net_assets", total_net_assets=55_213.2),
    bad("etf: future date", ETF, BETWEEN, "date", date=FUTURE),
    bad("etf: duplicate key", ETF, UNIQUE, "symbol, date", frame=duplicated(ETF)),
    bad("etf: null symbol", ETF, NOT_NULL, "symbol", symbol=None),
    bad("etf: missing column", ETF, COLUMNS, None, frame=dropped(ETF, "nav")),
    # raw.constituents
    bad("constituents: weight in percent", CONSTITUENTS, BETWEEN, "weight", 2, weight=7.1),
    bad("constituents: negative weight", CONSTITUENTS, BETWEEN, "weight", weight=-0.01),
    bad("constituents: null weight", CONSTITUENTS, NOT_NULL, "weight", weight=None),
    bad("constituents: zero shares", CONSTITUENTS, BETWEEN, "shares", shares=0.0),
    bad("constituents: unknown sector", CONSTITUENTS, IN_SET, "sector", sector="Cash"),
    bad("constituents: null symbol", CONSTITUENTS, NOT_NULL, "symbol", symbol=None),
    bad(
        "constituents: duplicate key",
        CONSTITUENTS,
        UNIQUE,
        "fund, date, symbol",
        frame=duplicated(CONSTITUENTS),
    ),
    bad("constituents: future date", CONSTITUENTS, BETWEEN, "date", date=FUTURE),
    bad(
        "constituents: missing column",
        CONSTITUENTS,
        COLUMNS,
        None,
        frame=dropped(CONSTITUENTS, "shares"),
    ),
    # raw.macro_observations (rows: 4 DGS2, 5 DGS10, 6 UNRATE, 7 CPIAUCSL, 9 BAMLH0A0HYM2)
    bad("macro: unemployment 45%", MACRO, BETWEEN, "value", 6, value=45.0),
    bad("macro: CPI loaded as yoy %", MACRO, BETWEEN, "value", 7, value=2.9),
    bad("macro: negative 10y yield", MACRO, BETWEEN, "value", 5, value=-4.31),
    bad("macro: high-yield spread in bps", MACRO, BETWEEN, "value", 9, value=305.0),
    bad("macro: unknown series", MACRO, IN_SET, "series_id", 9, series_id="VIXCLS"),
    bad(
        "macro: published before observed",
        MACRO,
        PAIR_GT,
        "realtime_start, date",
        6,
        realtime_start=pd.Timestamp("2026-04-30"),
    ),
    bad("macro: future date", MACRO, BETWEEN, "date", 4, date=FUTURE),
    bad("macro: future publication", MACRO, BETWEEN, "realtime_start", 6, realtime_start=FUTURE),
    bad(
        "macro: duplicate key",
        MACRO,
        UNIQUE,
        "series_id, date, realtime_start",
        frame=duplicated(MACRO, 3),
    ),
    bad("macro: no known-from date", MACRO, NOT_NULL, "realtime_start", realtime_start=None),
    bad("macro: unknown kind", MACRO, IN_SET, "realtime_kind", 6, realtime_kind="guess"),
    bad("macro: null value", MACRO, NOT_NULL, "value", value=None),
    bad(
        "macro: value loaded as text",
        MACRO,
        TYPE,
        "value",
        frame=GOOD[MACRO]().assign(value=lambda f: f["value"].astype(str)),
    ),
    # raw.valuations (rows: 0 ^RUT forward, 3 ^GSPC trailing, 4 ^GSPC cape)
    bad("valuations: negative forward P/E", VALUATIONS, BETWEEN, "value", 0, value=-5.0),
    bad("valuations: zero trailing P/E", VALUATIONS, BETWEEN, "value", 3, value=0.0),
    bad("valuations: CAPE 250", VALUATIONS, BETWEEN, "value", 4, value=250.0),
    bad(
        "valuations: duplicate key",
        VALUATIONS,
        UNIQUE,
        "symbol, date, metric",
        frame=duplicated(VALUATIONS, 2),
    ),
    bad("valuations: null metric", VALUATIONS, NOT_NULL, "metric", metric=None),
    bad("valuations: future date", VALUATIONS, BETWEEN, "date", date=FUTURE),
]
