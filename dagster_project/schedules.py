"""Schedules: each source refreshes on its own cadence, with everything downstream of it.

Start them in the Dagster UI (Automation), and keep `dagster-daemon run` (or `make ui`, which
runs a daemon too) going so they fire.
"""

from dagster import AssetSelection, ScheduleDefinition, define_asset_job

NEW_YORK = "America/New_York"


def _refresh(name: str, tables: list[str], cron: str, description: str) -> ScheduleDefinition:
    selection = AssetSelection.assets(*[["raw", t] for t in tables]).downstream()
    job = define_asset_job(f"{name}_job", selection=selection, description=description)
    return ScheduleDefinition(
        name=name,
        job=job,
        cron_schedule=cron,
        execution_timezone=NEW_YORK,
        description=description,
    )


schedules = [
    _refresh(
        "daily_market_refresh",
        ["prices", "etf_shares"],
        "30 18 * * 1-5",
        "Weekdays at 18:30 New York time, after the close: prices, ETF shares and every mart.",
    ),
    _refresh(
        "macro_refresh",
        ["macro_observations"],
        "0 9 * * 1-5",
        "Weekdays at 09:00 New York time, after the 08:30 releases (jobs, CPI) and FRED's"
        " overnight update of daily series: macro series and the marts that use them.",
    ),
    _refresh(
        "valuation_refresh",
        ["valuations", "constituents"],
        "0 7 2 * *",
        "The 2nd of each month at 07:00 New York time, once month-end valuations and holdings"
        " exist: valuations, constituents (and their members' prices) and the marts that use them.",
    ),
]
