"""Every chart drawn and rendered to PNG bytes, with the data's provenance below it."""

import io
from dataclasses import dataclass
from datetime import date

from matplotlib.figure import Figure
from PIL import Image

from dagster_project.report.charts import CHARTS
from dagster_project.report.data import ReportData
from dagster_project.report.style import DPI, REVERTED, SYNTHETIC_NOTE


@dataclass
class Chart:
    name: str  # the PNG's file name without .png
    title: str
    caption: str
    png: bytes
    has_data: bool


def render(fig: Figure, synthetic: bool, as_of: date | None) -> bytes:
    """The figure as PNG bytes, with the data's provenance in the strip below the chart."""
    notes = fig.subfigs[1] if fig.subfigs else fig
    if synthetic:
        notes.text(0.006, 0.35, SYNTHETIC_NOTE, fontsize=9, color=REVERTED, weight="bold")
    if as_of:
        source = f"Rotation warehouse marts, as of {as_of:%d %b %Y}"
        notes.text(0.994, 0.35, source, fontsize=8, color="#777777", ha="right")
    drawn = io.BytesIO()
    fig.savefig(drawn, format="png", dpi=DPI, facecolor="white")
    # 256 colours hold a chart without visible loss, at a third of the bytes (page and README)
    image = Image.open(drawn).convert("RGB")
    palette = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    palette.save(out, format="PNG", optimize=True)
    return out.getvalue()


def charts(data: ReportData) -> list[Chart]:
    """Every chart of the report, rendered; a chart without its data is a "no data" panel."""
    out = []
    for chart in CHARTS:
        fig = chart.draw(data)
        has_data = not getattr(fig, "no_data", False)
        png = render(fig, data.synthetic, data.as_of)
        out.append(Chart(chart.NAME, chart.TITLE, chart.caption(data), png, has_data))
    return out
