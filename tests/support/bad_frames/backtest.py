"""The bad frames of the scorecard backtest suites: each a good frame
(support/good_frames/backtest.py) with a value changed, and the expectation it must fail on the
column named (tests/quality/test_suite_frames.py)."""

from __future__ import annotations

from support.good_frames.backtest import BACKTEST, IC, IC_ROLLING
from support.suite_cases import bad, duplicated
from support.suite_values import BETWEEN, FUTURE, IN_SET, PAIR_GT, UNIQUE

BAD = [
    # marts.rpt_scorecard_backtest (rows: 0 composite +1, 1 composite 0, 2 naive_momentum -1)
    bad("backtest: unknown signal", BACKTEST, IN_SET, "signal_name", 2, signal_name="guess"),
    bad("backtest: signal value 2", BACKTEST, IN_SET, "signal_value", 0, signal_value=2),
    bad(
        "backtest: a period that is no decade",
        BACKTEST,
        "expect_column_values_to_match_regex",
        "period",
        1,
        period="2015s",
    ),
    bad("backtest: hit rate above 1", BACKTEST, BETWEEN, "hit_rate_frac", 0, hit_rate_frac=1.2),
    bad(
        "backtest: more hits than days",
        BACKTEST,
        PAIR_GT,
        "day_count, hit_count",
        2,
        hit_count=3801,
    ),
    bad(
        "backtest: more sampled days than days",
        BACKTEST,
        PAIR_GT,
        "day_count, sample_count",
        0,
        sample_count=2000,
    ),
    bad(
        "backtest: duplicate key",
        BACKTEST,
        UNIQUE,
        "pair_id, signal_name, signal_value, horizon_days, period",
        frame=duplicated(BACKTEST),
    ),
    # marts.rpt_scorecard_ic (rows: 0 composite_score, 1 momentum, 2 naive_momentum)
    bad("ic: the label's side", IC, IN_SET, "signal_name", 0, signal_name="composite"),
    bad("ic: a correlation above 1", IC, BETWEEN, "ic", 1, ic=1.3),
    bad(
        "ic: more sampled days than days",
        IC,
        PAIR_GT,
        "day_count, sample_count",
        2,
        sample_count=8000,
    ),
    bad(
        "ic: duplicate key",
        IC,
        UNIQUE,
        "pair_id, signal_name, horizon_days, period",
        frame=duplicated(IC),
    ),
    # marts.rpt_scorecard_ic_rolling
    bad("ic_rolling: a future as-of day", IC_ROLLING, BETWEEN, "as_of_date", 1, as_of_date=FUTURE),
    bad("ic_rolling: a correlation below -1", IC_ROLLING, BETWEEN, "ic", 0, ic=-1.5),
]
