"""A good frame for every Great Expectations suite, by domain: raw (the raw tables) and the
folders of dbt_models/models/marts/ (rotation, valuation, flows, macro, breadth)."""

from __future__ import annotations

from support.good_frames import backtest, breadth, flows, macro, raw, rotation, valuation

DOMAINS = {
    "raw": raw.GOOD,
    "rotation": {**rotation.GOOD, **backtest.GOOD},
    "valuation": valuation.GOOD,
    "flows": flows.GOOD,
    "macro": macro.GOOD,
    "breadth": breadth.GOOD,
}
GOOD = {suite: frame for frames in DOMAINS.values() for suite, frame in frames.items()}
