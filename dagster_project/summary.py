"""`python -m dagster_project.summary`: what the warehouse holds and the latest rotation figures."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from dagster_project import marts, reference
from dagster_project.resources import WarehouseResource, from_env

RAW_DATE_COLUMNS = {  # raw table: its date column
    "raw.prices": "date",
    "raw.etf_shares": "date",
    "raw.macro_observations": "date",
    "raw.valuations": "date",
    "raw.constituents": "date",
}

# the members of every holdings snapshot, those without any price, and the snapshots' dates
MEMBER_COVERAGE = """
select
    count(distinct c.symbol) as members,
    count(distinct c.symbol) filter (where p.symbol is null) as unpriced,
    min(c.date) as first_snapshot
from raw.constituents as c
left join (select distinct symbol from raw.prices) as p on p.symbol = c.symbol
"""

# each pair's legs and regime in its own words (the pairs seed: rsp_spy is equal weight against
# cap weight, not small against large caps)
LATEST_ROTATION = """
select r.pair_id, r.rotation_date as date,
       p.small_label || ' (' || r.small_symbol || ')' as "first leg",
       p.large_label || ' (' || r.large_symbol || ')' as "second leg",
       round(r.ratio, 2) as ratio,
       case r.regime
           when 'small_cap_leadership' then p.small_adjective || ' leadership'
           when 'large_cap_leadership' then p.large_adjective || ' leadership'
           else r.regime
       end as regime,
       round(r.spread_10d_bps) as "10d bps", round(r.spread_63d_bps) as "63d bps",
       round(r.spread_252d_bps) as "252d bps", round(r.spread_ytd_bps) as "YTD bps",
       round(r.spread_10d_zscore, 2) as "10d z"
from marts.fct_rotation_daily as r
left join reference.pairs as p on p.pair_id = r.pair_id
qualify row_number() over (partition by r.pair_id order by r.rotation_date desc) = 1
order by r.pair_id
"""

LATEST_SCORECARD = """
select scorecard_date as date, pair_id, composite_label, composite_score as score,
       signals_available as known, momentum_signal as momentum, valuation_signal as valuation,
       flows_signal as flows, rates_signal as rates, labour_market_risk_signal as labour,
       inflation_risk_signal as inflation, breadth_signal as breadth
from marts.rpt_rotation_scorecard
order by scorecard_date desc
limit 1
"""


def tables() -> dict[str, str | None]:
    """Every table counted: the raw tables, then the marts of the registry; each with its date
    column (None: its rows are not dated)."""
    return RAW_DATE_COLUMNS | {m.table: m.date_column for m in marts.marts()}


def table_counts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Rows, first and last date of every table."""
    rows = []
    for table, date_col in tables().items():
        dates = f"min({date_col}), max({date_col})" if date_col else "null, null"
        ((count, first, last),) = con.execute(f"select count(*), {dates} from {table}").fetchall()
        rows.append({"table": table, "rows": count, "from": first, "to": last})
    return pd.DataFrame(rows)


def stale_warnings(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The raw/prices check instruments_current's messages, read off the warehouse."""
    last = dict(con.execute("select symbol, max(date) from raw.prices group by all").fetchall())
    return list(reference.stale_instruments(last, reference.symbols()).values())


QUARANTINED_BY_LATEST_RUN = """
with latest as (
    select run_id from raw.load_log where run_id is not null order by started_at desc limit 1
)
select q.table_name, q.key, count(*) as n, string_agg(distinct q.reason, '; ') as reasons,
    min(q.date) as first_date
from raw.quarantine q join raw.load_log l using (load_id)
where l.run_id = (select run_id from latest)
group by all order by all
"""


def quarantine_warnings(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The rows the latest run quarantined (not loaded), per table and key."""
    rows = con.execute(QUARANTINED_BY_LATEST_RUN).fetchall()
    return [
        f"{table}: {n} row(s) of {key} quarantined by the latest run, not loaded ({reasons};"
        f" first {first}); raw.quarantine keeps them"
        for table, key, n, reasons, first in rows
    ]


def member_warnings(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Fund members without prices, and why the breadth marts are empty when members exist."""
    ((members, unpriced, first_snapshot),) = con.execute(MEMBER_COVERAGE).fetchall()
    if not members:
        return []
    messages = []
    if unpriced:
        messages.append(
            f"{unpriced} of the {members} members of the funds' holdings have no prices:"
            " breadth and concentration leave them out (the raw/prices check"
            " all_members_loaded lists them)"
        )
    ((breadth_rows,),) = con.execute("select count(*) from marts.fct_breadth_daily").fetchall()
    if not breadth_rows:
        ((calendar_end,),) = con.execute(
            "select max(trading_date) from raw.trading_calendar"
        ).fetchall()
        # a snapshot dated on the calendar's next weekday or later waits (int_fund_holdings)
        waits = calendar_end is None or first_snapshot >= np.busday_offset(calendar_end, 1)
        why = (
            f"every holdings snapshot (the first {first_snapshot}) is dated after the trading"
            f" calendar's last day ({calendar_end}: raw.trading_calendar, as far as any"
            " instrument, ETF or macro series is loaded), and a snapshot waits for its close's"
            " prices"
            if waits
            else "no member has a price while its snapshot is in force"
        )
        messages.append(f"the breadth and concentration marts are empty: {why}")
    return messages


def main() -> None:
    database = from_env(WarehouseResource).database
    with duckdb.connect(database, read_only=True) as con:
        sources = [s for (s,) in con.execute("select distinct source from raw.prices").fetchall()]
        print(f"\nWarehouse {database} (source: {', '.join(sources)})")
        if "sample" in sources:
            print("NOTE: the sample source is SYNTHETIC data, not market history.")
        print("\n" + table_counts(con).to_string(index=False))
        for message in stale_warnings(con) + member_warnings(con) + quarantine_warnings(con):
            print(f"WARNING: {message}")
        print("\nLatest rotation figures (spreads: first leg minus second, in basis points)")
        print(con.sql(LATEST_ROTATION).df().to_string(index=False))
        for pair in reference.pairs().sort_values("pair_id").itertuples():
            print(f"  {pair.pair_id}: {pair.description}")
        print("\nScorecard (+1 supports small caps, -1 large caps; rules in the model docs)")
        print(con.sql(LATEST_SCORECARD).df().to_string(index=False))


if __name__ == "__main__":
    main()
