"""FRED (St. Louis Fed) macro series: the keyless graph CSV, or the API with a key.

Without a key: ``GET {graph_url}/graph/fredgraph.csv?id=<SERIES>&cosd=YYYY-MM-DD&coed=YYYY-MM-DD``,
a CSV ``observation_date,<SERIES>`` (files before 2024 say ``DATE``); ``.`` or an empty cell is
a missing observation. With a key: ``GET {api_url}/fred/series/observations?series_id=..&
api_key=..&file_type=json&observation_start=..&observation_end=..``, JSON
``{"observations": [{"realtime_start", "realtime_end", "date", "value"}]}`` with ``"."`` for
missing; errors come back as HTTP 400 ``{"error_code": 400, "error_message": ".."}``.

Both return ``series_id, date, value`` (float; missing observations are absent, never NaN). The
API's ``realtime_start`` is not kept: asked without real-time parameters, FRED gives every
observation the request's real-time period (today), not the day its value was published, and
as a publication date it would make the whole history unusable before today. Publication dates
come from the seed's release lags, as for the graph CSV.
"""

from __future__ import annotations

import json
from datetime import date

import pandas as pd

from dagster_project.sources.base import FetchError
from dagster_project.sources.http import (
    HttpClient,
    HttpStatusError,
    csv_table,
    parse_dates,
    parse_numbers,
)

DATE_HEADERS = ("observation_date", "date")
MISSING = (".", "")


class Fred:
    """One FRED series at a time, from the API when ``api_key`` is set, else the graph CSV."""

    def __init__(
        self,
        http: HttpClient,
        *,
        graph_url: str = "https://fred.stlouisfed.org",
        api_url: str = "https://api.stlouisfed.org",
        api_key: str | None = None,
    ):
        self.http = http
        self.graph_url = graph_url.rstrip("/")
        self.api_url = api_url.rstrip("/")
        self.api_key = api_key or None

    def observations(self, series_id: str, start: date, end: date) -> pd.DataFrame:
        """series_id, date, value of ``series_id`` over ``start``..``end``."""
        if self.api_key:
            return self._from_api(series_id, start, end)
        return self._from_graph(series_id, start, end)

    # --- keyless graph CSV --------------------------------------------------------------------

    def _from_graph(self, series_id: str, start: date, end: date) -> pd.DataFrame:
        url = f"{self.graph_url}/graph/fredgraph.csv"
        params = {"id": series_id, "cosd": start.isoformat(), "coed": end.isoformat()}
        where = self.http.where(url, params, ())
        try:
            text = self.http.get_text(series_id, url, params)
        except HttpStatusError as err:
            if err.status in (400, 404):
                raise _unknown(series_id, where, "the graph CSV") from None
            raise
        table = csv_table(series_id, where, text)
        header = [c.strip() for c in table.columns]
        if len(header) != 2 or header[0].lower() not in DATE_HEADERS:
            raise FetchError(
                series_id,
                where,
                f"unexpected CSV header {header}: expected observation_date,{series_id}"
                " (FRED may have changed the format)",
            )
        if header[1].upper() != series_id.upper():
            raise FetchError(series_id, where, f"the CSV holds series {header[1]!r}, not ours")
        dates, values = table.iloc[:, 0].str.strip(), table.iloc[:, 1].str.strip()
        return _frame(series_id, where, dates, values, start, end)

    # --- API with a key ----------------------------------------------------------------------

    def _from_api(self, series_id: str, start: date, end: date) -> pd.DataFrame:
        url = f"{self.api_url}/fred/series/observations"
        params = {
            "series_id": series_id,
            "api_key": self.api_key,
            "file_type": "json",
            "observation_start": start.isoformat(),
            "observation_end": end.isoformat(),
        }
        secrets = (self.api_key,)
        where = self.http.where(url, params, secrets)
        try:
            payload = self.http.get_json(series_id, url, params, secrets=secrets)
        except HttpStatusError as err:
            raise _api_error(series_id, where, err) from None
        observations = payload.get("observations") if isinstance(payload, dict) else None
        if not isinstance(observations, list):
            raise FetchError(series_id, where, "the JSON has no 'observations' list")
        frame = pd.DataFrame(observations, columns=["date", "value"], dtype=str)
        return _frame(series_id, where, frame["date"], frame["value"], start, end)


def _frame(
    series_id: str,
    where: str,
    dates: pd.Series,
    values: pd.Series,
    start: date,
    end: date,
) -> pd.DataFrame:
    """The contract's rows: missing values dropped, dates and numbers parsed, ``start``..``end``."""
    present = ~values.fillna("").isin(MISSING)
    result = pd.DataFrame(
        {
            "series_id": series_id,
            "date": parse_dates(series_id, where, dates[present], "%Y-%m-%d"),
            "value": parse_numbers(series_id, where, values[present], "value"),
        }
    )
    inside = result["date"].between(pd.Timestamp(start), pd.Timestamp(end))
    return result[inside].reset_index(drop=True)


def _unknown(series_id: str, where: str, via: str) -> FetchError:
    return FetchError(
        series_id,
        where,
        f"FRED does not know series {series_id!r} ({via}): check the id in"
        " dbt_models/seeds/macro_series.csv against fred.stlouisfed.org",
    )


def _api_error(series_id: str, where: str, err: HttpStatusError) -> FetchError:
    """FRED's JSON error (HTTP 400 {"error_message": ..}) as a FetchError that says what to do."""
    try:
        message = str(json.loads(err.body).get("error_message", ""))
    except (ValueError, AttributeError):
        message = ""
    if "does not exist" in message:
        return _unknown(series_id, where, f"the API said: {message!r}")
    if "api_key" in message:
        return FetchError(
            series_id,
            where,
            f"FRED rejected the API key ({message!r}): check FRED_API_KEY, or unset it to use"
            " the keyless graph CSV",
        )
    return err
