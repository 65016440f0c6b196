"""FRED (St. Louis Fed) macro series: the keyless graph CSV, or the API with a key.

Without a key: ``GET {graph_url}/graph/fredgraph.csv?id=<SERIES>&cosd=YYYY-MM-DD&coed=YYYY-MM-DD``,
a CSV ``observation_date,<SERIES>`` (files before 2024 say ``DATE``); ``.`` or an empty cell is
a missing observation. It has no vintages: ``series_id, date, value`` (float; missing
observations are absent, never NaN), dated by the loader from the release calendar.

With a key, every vintage (ALFRED's real-time periods): ``GET {api_url}/fred/series/observations?
series_id=..&api_key=..&file_type=json&observation_start=..&observation_end=..&realtime_start=
1776-07-04&realtime_end=9999-12-31`` (FRED's earliest and latest real-time days), JSON
``{"count", "offset", "limit", "observations": [{"realtime_start", "realtime_end", "date",
"value"}]}`` with ``"."`` for missing; at most ``limit`` (100000) rows a page, the rest asked for
with ``offset``. The rows out add ``realtime_start`` and ``realtime_kind`` ``vintage``, only
the vintages that change a value (``alfred.periods``). ALFRED's archive of a series starts on
some day: the observations it holds from before are dated by their release (see ``alfred``),
FRED's own release dates of the series' release: ``fred/series/release?series_id=..``
(``{"releases": [{"id", ..}]}``) then ``fred/release/dates?release_id=..`` (``{"count",
"release_dates": [{"release_id", "date"}]}``), kind ``release``. Errors come back as HTTP 400
``{"error_code": 400, "error_message": ".."}`` (or XML, ``<error code="400" message=".."/>``),
reported with FRED's message; the key never appears in a message.
"""

from __future__ import annotations

import html
import json
import re
from datetime import date

import pandas as pd

from dagster_project.sources import alfred
from dagster_project.sources.base import ORIGIN, FetchError
from dagster_project.sources.http import (
    HttpClient,
    HttpStatusError,
    csv_table,
    parse_dates,
    parse_numbers,
)

DATE_HEADERS = ("observation_date", "date")
MISSING = (".", "")
COLUMNS = ["series_id", "date", "value"]
# FRED's earliest and latest real-time days: every vintage there is
EVERY_VINTAGE = {"realtime_start": "1776-07-04", "realtime_end": "9999-12-31"}
RELEASE_DATES_LIMIT = 10000  # the most fred/release/dates gives a page
# FRED's message is about the key: "Variable api_key is not a 32 character alpha-numeric
# lower-case string.", "The value for variable api_key is not registered."
KEY_MESSAGE = re.compile(r"\bvariable\s+api_key\b", re.IGNORECASE)
XML_ERROR = re.compile(r'<error\b[^>]*?\bmessage\s*=\s*"(?P<message>[^"]*)"')


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
        """series_id, date, value of ``series_id`` over ``start``..``end``; from the API, every
        vintage of those dates, with realtime_start and realtime_kind."""
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
        return _frame(series_id, where, dates, values, start, end).assign(**{ORIGIN: where})

    # --- API with a key ----------------------------------------------------------------------

    def _from_api(self, series_id: str, start: date, end: date) -> pd.DataFrame:
        url = f"{self.api_url}/fred/series/observations"
        params = {
            "series_id": series_id,
            "file_type": "json",
            "observation_start": start.isoformat(),
            "observation_end": end.isoformat(),
            **EVERY_VINTAGE,
        }
        where, observations = self._pages(series_id, url, params, "observations")
        if not observations:
            return pd.DataFrame(columns=[*COLUMNS, "realtime_start", "realtime_kind"])
        table = pd.DataFrame(observations, columns=list(alfred.PERIOD_COLUMNS), dtype=str)
        table["date"] = parse_dates(series_id, where, table["date"], "%Y-%m-%d")
        frame = alfred.periods(series_id, where, table)
        frame["value"] = parse_numbers(series_id, where, frame["value"], "value")
        frame = alfred.backdate_archive_start(series_id, frame, self._release_dates(series_id))
        inside = frame["date"].between(pd.Timestamp(start), pd.Timestamp(end))
        return frame[inside].reset_index(drop=True).assign(**{ORIGIN: where})

    def _release_dates(self, series_id: str) -> pd.Series:
        """Every date of the series' release FRED lists (past and scheduled), ascending."""
        url = f"{self.api_url}/fred/series/release"
        params = {"series_id": series_id, "file_type": "json"}
        where, found = self._pages(series_id, url, params, "releases")
        ids = [r.get("id") for r in found if isinstance(r, dict)]
        if not ids or not isinstance(ids[0], int):
            raise FetchError(series_id, where, "the JSON names no release (no 'releases' id)")
        url = f"{self.api_url}/fred/release/dates"
        params = {
            "release_id": ids[0],
            "file_type": "json",
            "include_release_dates_with_no_data": "true",
            **EVERY_VINTAGE,
            "limit": RELEASE_DATES_LIMIT,
            "sort_order": "asc",
        }
        where, listed = self._pages(series_id, url, params, "release_dates")
        days = pd.Series([d.get("date") if isinstance(d, dict) else None for d in listed])
        return parse_dates(series_id, where, days, "%Y-%m-%d")

    def _pages(self, series_id: str, url: str, params: dict, key: str) -> tuple[str, list]:
        """The ``key`` list of every page of an API answer (``count`` rows in all, a page
        holding up to ``limit``: the next asked for with ``offset``), and the first page's URL
        without the key."""
        secrets = (self.api_key,)
        params = {**params, "api_key": self.api_key}
        where = self.http.where(url, params, secrets)
        rows: list = []
        while True:
            paged = {**params, "offset": len(rows)} if rows else params
            at = self.http.where(url, paged, secrets)
            try:
                payload = self.http.get_json(series_id, url, paged, secrets=secrets)
            except HttpStatusError as err:
                raise _api_error(series_id, at, err) from None
            page = payload.get(key) if isinstance(payload, dict) else None
            if not isinstance(page, list):
                raise FetchError(series_id, at, f"the JSON has no {key!r} list")
            rows += page
            count = payload.get("count")
            if not isinstance(count, int) or len(rows) >= count:
                return where, rows
            if not page:
                raise FetchError(
                    series_id,
                    at,
                    f"FRED counts {count} {key} but gave {len(rows)}: the answer is cut short;"
                    " re-run",
                )


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
    """FRED's error (HTTP 400 and its own message, ``_fred_message``) as a FetchError that says
    what to do; the client's own error when FRED gave no message, or for a status to re-run
    after (429, 5xx). The key is a rejected one only when FRED's message is about the
    ``api_key`` variable itself, not when it merely names it (a link to its page)."""
    message = _fred_message(err.body)
    if not message:
        return err
    if "series does not exist" in message:
        return _unknown(series_id, where, f"the API said: {message!r}")
    if "does not exist" in message:  # the series' release, or its dates
        return FetchError(series_id, where, f"FRED said {message!r}: re-run; report it if it stays")
    if KEY_MESSAGE.search(message):
        return FetchError(
            series_id,
            where,
            f"FRED rejected the API key ({message!r}): check FRED_API_KEY, or unset it to use"
            " the keyless graph CSV",
        )
    if err.status == 429 or err.status >= 500:
        return err
    return FetchError(
        series_id,
        where,
        f"FRED refused the request for series {series_id} (HTTP {err.status}): {message!r};"
        " check the id in dbt_models/seeds/macro_series.csv, and report it if it stays",
    )


def _fred_message(body: str) -> str:
    """FRED's own error message in an error body: JSON ``{"error_code": 400, "error_message":
    ".."}``, or XML ``<error code="400" message=".."/>``; "" when the body holds neither."""
    try:
        payload = json.loads(body)
    except ValueError:
        found = XML_ERROR.search(body)
        return html.unescape(found["message"]) if found else ""
    return str(payload.get("error_message") or "") if isinstance(payload, dict) else ""
