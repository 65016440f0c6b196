"""The composite's information coefficient over trailing five years, beside naive momentum's."""

import pandas as pd
from matplotlib.figure import Figure

from dagster_project.report.backtest import HORIZON
from dagster_project.report.data import ReportData
from dagster_project.report.frames import has, numeric
from dagster_project.report.style import INK, NEUTRAL, date_axis, figure, no_data, styled

NAME = "scorecard_ic_rolling"
TITLE = "The composite's information coefficient over time"
# rpt_scorecard_ic_rolling's signal_name -> how the chart draws it
LINES = {
    "composite_score": ("composite score", INK, "-"),
    "naive_momentum": ("naive momentum (baseline)", NEUTRAL, "--"),
}


def caption(data: ReportData) -> str:
    sides = data.pair_sides
    return (
        "Spearman's rank correlation (information coefficient, IC) between the scorecard's "
        f"composite score on a day and the {HORIZON}-day forward spread from that day "
        f"({sides.small} minus {sides.large}), over the trailing five years at each year end "
        "(and the latest day), from the days whose forward window had ended by then: the "
        "record an analyst could have seen that day. Beside it, naive momentum's (the sign of "
        "the last 63-day spread). Above zero, the signal ranked the days the right way; 0.05 "
        "is a useful signal in equities. The windows overlap, so neighbouring points share "
        "most of their days, and the first years' points rest on fewer days while the window "
        "fills."
    )


def draw(data: ReportData) -> Figure:
    return scorecard_ic_chart(data.ic_rolling)


@styled
def scorecard_ic_chart(ic_rolling: pd.DataFrame, horizon: int = HORIZON) -> Figure:
    """The rolling five-year IC of the composite score and of naive momentum at ``horizon``."""
    title = f"Information coefficient with the {horizon}-day forward spread"
    if not has(ic_rolling, "ic", "signal_name", "horizon_days", "as_of_date"):
        return no_data(title, "no rolling IC for this pair (the backtest scores its pair only)")
    rows = numeric(ic_rolling[ic_rolling["horizon_days"] == horizon], "ic")
    composite = rows[rows["signal_name"] == "composite_score"]
    if composite["ic"].isna().all():
        return no_data(title, f"no rolling IC of the composite score at {horizon} days")
    fig, (ax,) = figure(height=4.2)
    for signal, (label, colour, style) in LINES.items():
        own = rows[rows["signal_name"] == signal].sort_values("as_of_date")
        if own.empty:
            continue
        ax.plot(
            own["as_of_date"],
            own["ic"],
            color=colour,
            linestyle=style,
            linewidth=1.4 if signal == "composite_score" else 1.1,
            marker="o",
            markersize=3.5,
            label=label,
        )
    ax.axhline(0, color=INK, linewidth=0.6)
    ax.set_title(f"{title}, trailing 5 years at each year end")
    ax.set_ylabel("IC (above 0: ranked the days right)")
    ax.legend(loc="best", ncols=2)
    ax.margins(x=0.01)
    date_axis(ax)
    return fig.get_figure(root=True)
