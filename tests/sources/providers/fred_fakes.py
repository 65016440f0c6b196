"""FRED's API as it answers, for the FRED tests: observations with every vintage, a series'
release and the release's dates, in FRED's JSON (hand-made)."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd

START, END = date(2026, 1, 1), date(2026, 1, 31)
API = "/fred/series/observations"
SECRET = "SECRETKEY"
EVERY_VINTAGE = {"realtime_start": "1776-07-04", "realtime_end": "9999-12-31"}


def api_json(*periods: tuple[str, str, str, str], count: int | None = None, offset: int = 0) -> str:
    """fred/series/observations asked for every vintage: real-time periods (realtime_start,
    realtime_end, date, value), in FRED's JSON."""
    return json.dumps(
        {
            "realtime_start": "1776-07-04",
            "realtime_end": "9999-12-31",
            "observation_start": "1600-01-01",
            "observation_end": "9999-12-31",
            "units": "lin",
            "output_type": 1,
            "file_type": "json",
            "order_by": "observation_date",
            "sort_order": "asc",
            "count": len(periods) if count is None else count,
            "offset": offset,
            "limit": 100000,
            "observations": [
                {"realtime_start": rs, "realtime_end": re, "date": d, "value": v}
                for rs, re, d, v in periods
            ],
        }
    )


def series_release_json(release_id: int, name: str) -> dict:
    """fred/series/release: the series' release, in FRED's JSON."""
    return {
        "realtime_start": "2026-02-01",
        "realtime_end": "2026-02-01",
        "releases": [
            {
                "id": release_id,
                "realtime_start": "2026-02-01",
                "realtime_end": "2026-02-01",
                "name": name,
                "press_release": True,
                "link": "http://www.bls.gov/ces/",
            }
        ],
    }


def release_dates_json(release_id: int, *days: str) -> dict:
    """fred/release/dates, every date (include_release_dates_with_no_data), in FRED's JSON."""
    return {
        "realtime_start": "1776-07-04",
        "realtime_end": "9999-12-31",
        "order_by": "release_date",
        "sort_order": "asc",
        "count": len(days),
        "offset": 0,
        "limit": 10000,
        "release_dates": [{"release_id": release_id, "date": d} for d in days],
    }


def serve_release(httpserver, series_id: str, release_id: int, *days: str) -> None:
    """The series' release and its dates, answered only to the exact requests FRED documents."""
    httpserver.expect_request(
        "/fred/series/release",
        query_string={"series_id": series_id, "api_key": SECRET, "file_type": "json"},
    ).respond_with_json(series_release_json(release_id, "Employment Situation"))
    httpserver.expect_request(
        "/fred/release/dates",
        query_string={
            "release_id": str(release_id),
            "api_key": SECRET,
            "file_type": "json",
            "include_release_dates_with_no_data": "true",
            **EVERY_VINTAGE,
            "limit": "10000",
            "sort_order": "asc",
        },
    ).respond_with_json(release_dates_json(release_id, *days))


def observations_query(series_id: str, start: str, end: str, **more: str) -> dict:
    return {
        "series_id": series_id,
        "api_key": SECRET,
        "file_type": "json",
        "observation_start": start,
        "observation_end": end,
        **EVERY_VINTAGE,
        **more,
    }


def rows(frame: pd.DataFrame) -> list[tuple]:
    return [
        (r.date.strftime("%Y-%m-%d"), r.realtime_start.strftime("%Y-%m-%d"), r.value, r.kind)
        for r in frame.rename(columns={"realtime_kind": "kind"}).itertuples()
    ]
