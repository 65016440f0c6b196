"""The Great Expectations suites of the rotation marts (dbt_models/models/marts/rotation/): the good
frames pass, and each bad frame fails the expectation named on the column named."""

from __future__ import annotations

import pandas as pd
import pytest
from support.good_frames.rotation import EPISODES, GOOD, PRICES_DAILY, ROTATION, SCORECARD, SUMMARY
from support.suite_cases import bad, changed, duplicated, failures
from support.suite_values import (
    BETWEEN,
    FUTURE,
    IN_SET,
    NOT_NULL,
    NULL,
    PAIR_EQ,
    PAIR_GT,
    PAIR_IN,
    UNIQUE,
)

# One case per important expectation: (suite, bad frame, expectation that must fail, its column)
BAD = [
    # marts.fct_prices_daily
    bad("prices_daily: +60% day", PRICES_DAILY, BETWEEN, "ret_1d", 1, ret_1d=0.6),
    bad(
        "prices_daily: -30% the day after a crash date",
        PRICES_DAILY,
        BETWEEN,
        "ret_1d",
        1,
        price_date=pd.Timestamp("2020-03-17"),
        ret_1d=-0.3,
    ),
    bad("prices_daily: negative close", PRICES_DAILY, BETWEEN, "close", 2, close=-1.0),
    bad(
        "prices_daily: return price is not adj_close",
        PRICES_DAILY,
        PAIR_EQ,
        "return_price, adj_close",
        0,
        return_price=250.0,
    ),
    bad(
        "prices_daily: return price is not close",
        PRICES_DAILY,
        PAIR_EQ,
        "return_price, close",
        2,
        return_price=2500.0,
    ),
    bad("prices_daily: positive drawdown", PRICES_DAILY, BETWEEN, "drawdown", 1, drawdown=0.05),
    bad("prices_daily: null tr_index", PRICES_DAILY, NOT_NULL, "tr_index", tr_index=None),
    bad(
        "prices_daily: duplicate key",
        PRICES_DAILY,
        UNIQUE,
        "symbol, price_date",
        frame=duplicated(PRICES_DAILY),
    ),
    bad("prices_daily: future date", PRICES_DAILY, BETWEEN, "price_date", 1, price_date=FUTURE),
    # marts.fct_rotation_daily
    bad(
        "rotation: YTD spread not the return spread",
        ROTATION,
        NULL,
        "spread_ytd_bps",
        0,
        spread_ytd_bps=240.0,
    ),
    bad(
        "rotation: YTD spread without a leg",
        ROTATION,
        NULL,
        "spread_ytd_bps",
        1,
        large_ret_ytd=None,
    ),
    bad(
        "rotation: YTD spread missing", ROTATION, NOT_NULL, "spread_ytd_bps", 1, spread_ytd_bps=None
    ),
    bad(
        "rotation: small-cap regime below the 200-day average",
        ROTATION,
        PAIR_GT,
        "ratio, ratio_ma_200",
        0,
        ratio=101.0,
    ),
    bad(
        "rotation: large-cap regime above the 200-day average",
        ROTATION,
        PAIR_GT,
        "ratio_ma_200, ratio",
        1,
        ratio=101.0,
    ),
    bad("rotation: no regime after 200 days", ROTATION, NOT_NULL, "regime", 1, regime=None),
    bad("rotation: unknown regime", ROTATION, IN_SET, "regime", 1, regime="bull"),
    bad(
        "rotation: positive relative drawdown",
        ROTATION,
        BETWEEN,
        "relative_drawdown",
        0,
        relative_drawdown=0.1,
    ),
    bad(
        "rotation: duplicate key",
        ROTATION,
        UNIQUE,
        "pair_id, rotation_date",
        frame=duplicated(ROTATION),
    ),
    bad("rotation: future date", ROTATION, BETWEEN, "rotation_date", 1, rotation_date=FUTURE),
    # marts.fct_rotation_episodes (rows: 0 and 1 side small, 2 side large)
    bad(
        "episodes: lead continued but called reverted",
        EPISODES,
        IN_SET,
        "lead_continued_21d",
        0,
        lead_continued_21d=False,
    ),
    bad(
        "episodes: large-cap lead reverted but called continued",
        EPISODES,
        IN_SET,
        "lead_continued_126d",
        2,
        lead_continued_126d=True,
    ),
    bad("episodes: two current episodes", EPISODES, UNIQUE, "pair_id, side", 0, is_current=True),
    bad(
        "episodes: small-cap episode on a negative spread",
        EPISODES,
        BETWEEN,
        "start_spread_10d_bps",
        1,
        start_spread_10d_bps=-430.1,
    ),
    bad(
        "episodes: too close to the previous one",
        EPISODES,
        BETWEEN,
        "trading_days_since_previous_episode",
        1,
        trading_days_since_previous_episode=5,
    ),
    bad("episodes: unknown side", EPISODES, IN_SET, "side", 2, side="mid"),
    bad("episodes: side not named", EPISODES, NOT_NULL, "side_label", 2, side_label=None),
    bad(
        "episodes: duplicate episode number",
        EPISODES,
        UNIQUE,
        "pair_id, side, episode_number",
        1,
        episode_number=1,
    ),
    bad("episodes: future start", EPISODES, BETWEEN, "start_date", 1, start_date=FUTURE),
    # marts.rpt_rotation_episode_summary
    bad("summary: side not named", SUMMARY, NOT_NULL, "side_label", 1, side_label=None),
    bad("summary: hit rate above 1", SUMMARY, BETWEEN, "hit_rate_frac", 0, hit_rate_frac=1.5),
    bad(
        "summary: negative percentile rank",
        SUMMARY,
        BETWEEN,
        "current_start_spread_pct_rank_frac",
        2,
        current_start_spread_pct_rank_frac=-0.1,
    ),
    bad(
        "summary: more hits than completed episodes",
        SUMMARY,
        PAIR_GT,
        "completed_episode_count, hit_count",
        1,
        hit_count=2.0,
    ),
    bad(
        "summary: more completed than episodes",
        SUMMARY,
        PAIR_GT,
        "episode_count, completed_episode_count",
        2,
        completed_episode_count=3,
    ),
    bad("summary: unknown horizon", SUMMARY, IN_SET, "horizon_days", 1, horizon_days=30),
    bad(
        "summary: duplicate key",
        SUMMARY,
        UNIQUE,
        "pair_id, side, horizon_days",
        frame=duplicated(SUMMARY),
    ),
    bad(
        "summary: future start",
        SUMMARY,
        BETWEEN,
        "current_start_date",
        2,
        current_start_date=FUTURE,
    ),
    # marts.rpt_rotation_scorecard (rows: 0 all for small caps, 1 all for large caps, 2 mixed)
    bad(
        "scorecard: signal 2",
        SCORECARD,
        IN_SET,
        "valuation_signal",
        2,
        valuation_signal=2,
        composite_score=3,
    ),
    bad(
        "scorecard: positive labour-market signal",
        SCORECARD,
        IN_SET,
        "labour_market_risk_signal",
        0,
        labour_market_risk_signal=1,
        composite_score=6,
    ),
    bad(
        "scorecard: score not the sum of the signals",
        SCORECARD,
        NULL,
        "composite_score",
        0,
        composite_score=3,
    ),
    bad(
        "scorecard: signals available miscounted",
        SCORECARD,
        NULL,
        "signals_available",
        2,
        signals_available=6,
    ),
    bad(
        "scorecard: label against the score",
        SCORECARD,
        PAIR_IN,
        "composite_score, composite_label",
        0,
        composite_label="mixed",
    ),
    bad(
        "scorecard: momentum against the regime",
        SCORECARD,
        PAIR_IN,
        "regime, momentum_signal",
        1,
        momentum_signal=1,
        composite_score=-5,
    ),
    bad(
        "scorecard: momentum missing without a reason",
        SCORECARD,
        NOT_NULL,
        "momentum_missing_reason",
        2,
        momentum_missing_reason=None,
    ),
    bad(
        "scorecard: a reason for a momentum that is known",
        SCORECARD,
        NULL,
        "momentum_missing_reason",
        0,
        momentum_missing_reason="no price of ^GSPC that day (last price 2026-06-26)",
    ),
    bad(
        "scorecard: rates signal against the Fed cycle",
        SCORECARD,
        PAIR_IN,
        "fed_cycle_phase, rates_signal",
        2,
        rates_signal=1,
        composite_score=2,
        composite_label="supports_small_caps",
    ),
    bad(
        "scorecard: flows signal following the USD difference, not the flows for size",
        SCORECARD,
        IN_SET,
        "flows_signal",
        0,
        flows_signal=-1,
        composite_score=3,
    ),
    bad(
        "scorecard: valuation signal against the percentile",
        SCORECARD,
        IN_SET,
        "valuation_signal",
        0,
        valuation_signal=0,
        composite_score=4,
    ),
    bad(
        "scorecard: percentile above 1",
        SCORECARD,
        BETWEEN,
        "discount_percentile_frac",
        1,
        discount_percentile_frac=1.5,
    ),
    bad(
        "scorecard: valuation of an unfinished month",
        SCORECARD,
        PAIR_GT,
        "scorecard_date, valuation_month",
        2,
        valuation_month=pd.Timestamp("2026-07-01"),
    ),
    bad(
        "scorecard: duplicate key",
        SCORECARD,
        UNIQUE,
        "pair_id, scorecard_date",
        frame=duplicated(SCORECARD),
    ),
    bad("scorecard: future date", SCORECARD, BETWEEN, "scorecard_date", 2, scorecard_date=FUTURE),
    bad(
        "scorecard: broad breadth called neutral",
        SCORECARD,
        IN_SET,
        "breadth_signal",
        0,
        breadth_signal=0,
        composite_score=4,
    ),
    bad(
        "scorecard: lagging median member called neutral",
        SCORECARD,
        IN_SET,
        "breadth_signal",
        1,
        breadth_above_ma_200_frac=0.5,
        breadth_signal=0,
        composite_score=-6,
    ),
    bad(
        "scorecard: breadth signal without constituents",
        SCORECARD,
        NULL,
        "breadth_signal",
        2,
        breadth_signal=1,
        composite_score=2,
        signals_available=5,
        composite_label="supports_small_caps",
    ),
    bad(
        "scorecard: breadth share above 1",
        SCORECARD,
        BETWEEN,
        "breadth_above_ma_200_frac",
        0,
        breadth_above_ma_200_frac=68.0,
    ),
]


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
