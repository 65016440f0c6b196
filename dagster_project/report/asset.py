"""The Dagster asset ``report/rotation_report``: the report written beside the warehouse."""

from pathlib import Path

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from dagster_project.report.data import MARTS, load
from dagster_project.report.page import build
from dagster_project.resources import WarehouseResource


@asset(
    key=["report", "rotation_report"],
    group_name="report",
    # the marts it charts, and what says which pair and whether the prices are synthetic
    deps=[["marts", name] for name in MARTS]
    + [["reference", "pairs"], ["reference", "instruments"], ["raw", "prices"]],
    description=(
        "The rotation report: a self-contained HTML page (charts embedded, readable offline) "
        "and its PNG charts, in <warehouse dir>/report/."
    ),
)
def rotation_report(
    context: AssetExecutionContext, warehouse: WarehouseResource
) -> MaterializeResult:
    with warehouse.get_connection() as con:
        data = load(con)
    report = build(data, Path(warehouse.database).parent / "report")
    empty = [c.name for c in report.charts if not c.has_data]
    context.log.info(
        f"Report: {report.index} ({len(report.charts)} charts, {report.seconds:.1f} s)"
    )
    return MaterializeResult(
        metadata={
            "index": MetadataValue.path(str(report.index)),
            "charts": len(report.charts),
            "charts_without_data": MetadataValue.text(", ".join(empty) or "none"),
            "pair": data.pair_id,
            "as_of": MetadataValue.text(str(data.as_of)),
            "synthetic": data.synthetic,
            "render_seconds": round(report.seconds, 2),
        }
    )
