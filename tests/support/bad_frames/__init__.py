"""Each Great Expectations suite's bad frames, by domain (raw and the folders of
dbt_models/models/marts/): a good frame with a value changed, and the expectation it must fail."""

from support.bad_frames import backtest, breadth, flows, macro, raw, rotation, valuation

BAD = [*raw.BAD, *rotation.BAD, *backtest.BAD, *valuation.BAD, *flows.BAD, *macro.BAD, *breadth.BAD]
