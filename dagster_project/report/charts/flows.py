"""21-day ETF flows of small-cap and large-cap ETFs, and their difference for size."""

import pandas as pd
from matplotlib.figure import Figure

from dagster_project.report.data import ReportData
from dagster_project.report.frames import has, known_span, numeric, recent
from dagster_project.report.style import (
    INK,
    LARGE,
    RECENT_YEARS,
    SMALL,
    date_axis,
    figure,
    no_data,
    styled,
)

NAME = "etf_flows"
TITLE = "ETF flows by segment"
COLUMNS = ["small_flow_21d_usd", "large_flow_21d_usd", "small_minus_large_flow_21d_pp"]


def caption(data: ReportData) -> str:
    return (
        "Net creations minus redemptions of small-cap and large-cap ETFs, summed over 21 "
        "trading days: the daily flow is the change in shares outstanding times that day's "
        "NAV, in USD billions. Below, the same flows as a percent of each segment's assets, "
        "small minus large: the large-cap ETFs are several times the small-caps' size, so "
        "this, not the difference in dollars, tells which way money rotates (the scorecard's "
        "flows signal). A gap in an ETF's share history leaves a gap here."
    )


def draw(data: ReportData) -> Figure:
    return flows_chart(data.flows, RECENT_YEARS)


@styled
def flows_chart(flows: pd.DataFrame, years: int = 5) -> Figure:
    """21-day ETF flows of small-cap and large-cap ETFs, and their difference for size."""
    title = "ETF flows by segment (21-day sums)"
    if not has(flows, *COLUMNS):
        return no_data(title, "no ETF share history (flows need shares outstanding and NAV)")
    rows = numeric(recent(known_span(flows, *COLUMNS), "flow_date", years), *COLUMNS)
    x = rows["flow_date"]
    fig, (top, low) = figure(rows=2, height=6.4, ratios=[1.3, 1])
    top.plot(
        x, rows["small_flow_21d_usd"] / 1e9, color=SMALL, linewidth=1.0, label="small-cap ETFs"
    )
    top.plot(
        x, rows["large_flow_21d_usd"] / 1e9, color=LARGE, linewidth=1.0, label="large-cap ETFs"
    )
    top.axhline(0, color=INK, linewidth=0.6)
    top.set_title(f"{title}, last {years} years: flow = change in shares outstanding x NAV")
    top.set_ylabel("21-day net flow, USD bn")
    top.legend(loc="best", ncols=2)
    _for_size(low, x, rows["small_minus_large_flow_21d_pp"])
    return fig.get_figure(root=True)


def _for_size(low, x: pd.Series, diff: pd.Series) -> None:
    """The lower panel: small minus large flows as a share of assets, shaded by sign."""
    for where, colour, segment in ((diff >= 0, SMALL, "small"), (diff < 0, LARGE, "large")):
        low.fill_between(
            x,
            diff,
            0,
            where=where,
            color=colour,
            alpha=0.6,
            linewidth=0,
            label=f"more into {segment} caps, for their size",
        )
    low.axhline(0, color=INK, linewidth=0.6)
    low.set_ylabel("small minus large, pp of assets")
    low.legend(loc="best", ncols=2)
    low.margins(x=0.01)
    date_axis(low)
