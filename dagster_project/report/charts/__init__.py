"""The report's charts, one module each, in the order of the page.

Each module holds its chart function (frames in, a matplotlib ``Figure`` out; a frame without
the rows it needs gives a "no data" panel, never an error) and what the page says of it: its
``NAME`` (the PNG's file name), ``TITLE``, ``caption(data)`` and ``draw(data)``, which calls
the chart function on the report's frames. Fixing a chart touches its module only.
"""

from dagster_project.report.charts import (
    flows,
    macro,
    relative_pe,
    relative_strength,
    scorecard_ic,
    spread_episodes,
    ytd_by_year,
)
from dagster_project.report.charts.flows import flows_chart
from dagster_project.report.charts.macro import macro_chart
from dagster_project.report.charts.relative_pe import relative_pe_chart
from dagster_project.report.charts.relative_strength import relative_strength_chart
from dagster_project.report.charts.scorecard_ic import scorecard_ic_chart
from dagster_project.report.charts.spread_episodes import FORWARD_HORIZON, spread_episodes_chart
from dagster_project.report.charts.ytd_by_year import ytd_by_year_chart

# the charts in the order the page shows them
CHARTS = [
    relative_strength,
    ytd_by_year,
    spread_episodes,
    relative_pe,
    flows,
    macro,
    scorecard_ic,
]

__all__ = [
    "CHARTS",
    "FORWARD_HORIZON",
    "flows_chart",
    "macro_chart",
    "relative_pe_chart",
    "relative_strength_chart",
    "scorecard_ic_chart",
    "spread_episodes_chart",
    "ytd_by_year_chart",
]
