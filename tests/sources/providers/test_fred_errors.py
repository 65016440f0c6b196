"""FRED's keyed API refusing a request: its own messages (a rejected key, an unknown series,
another 400) passed on, and the key never shown."""

from __future__ import annotations

import json

import pytest
from fred_fakes import API, END, SECRET, START, api_json, series_release_json

from dagster_project.sources.base import FetchError
from dagster_project.sources.fred import Fred


@pytest.mark.parametrize("endpoint", ["/fred/series/release", "/fred/release/dates"])
def test_api_release_errors_never_show_the_key(httpserver, http, base_url, endpoint):
    httpserver.expect_request(API).respond_with_data(
        api_json(("2026-01-06", "9999-12-31", "2026-01-05", "4.17")),
        content_type="application/json",
    )
    if endpoint == "/fred/release/dates":
        httpserver.expect_request("/fred/series/release").respond_with_json(
            series_release_json(18, "H.15 Selected Interest Rates")
        )
    error = {"error_code": 400, "error_message": "Bad Request.  The release does not exist."}
    httpserver.expect_request(endpoint).respond_with_json(error, status=400)
    with pytest.raises(FetchError, match="The release does not exist") as caught:
        Fred(http, api_url=base_url, api_key=SECRET).observations("DGS10", START, END)
    assert caught.value.key == "DGS10" and endpoint in caught.value.where
    assert SECRET not in str(caught.value) and "api_key=***" in caught.value.where


def test_api_series_without_a_release_is_refused(httpserver, http, base_url):
    httpserver.expect_request(API).respond_with_data(
        api_json(("2026-01-06", "9999-12-31", "2026-01-05", "4.17")),
        content_type="application/json",
    )
    httpserver.expect_request("/fred/series/release").respond_with_json({"releases": []})
    with pytest.raises(FetchError, match="names no release"):
        Fred(http, api_url=base_url, api_key=SECRET).observations("DGS10", START, END)


def test_api_unknown_series_never_shows_the_key(httpserver, http, base_url):
    error = {"error_code": 400, "error_message": "Bad Request.  The series does not exist."}
    httpserver.expect_request(API).respond_with_json(error, status=400)
    with pytest.raises(FetchError) as caught:
        Fred(http, api_url=base_url, api_key=SECRET).observations("NOPE", START, END)
    message = str(caught.value)
    assert (
        message.startswith("NOPE: FRED does not know series 'NOPE'") and "does not exist" in message
    )
    assert SECRET not in message and "api_key=***" in message


def test_api_rejected_key(httpserver, http, base_url):
    error = {
        "error_code": 400,
        "error_message": "Bad Request.  The value for variable api_key is not registered.",
    }
    httpserver.expect_request(API).respond_with_json(error, status=400)
    with pytest.raises(FetchError, match="check FRED_API_KEY") as caught:
        Fred(http, api_url=base_url, api_key=SECRET).observations("DGS10", START, END)
    assert SECRET not in str(caught.value)


# FRED's own error messages (https://fred.stlouisfed.org/docs/api/fred/errors.html), in the two
# forms it answers with: JSON ({"error_code", "error_message"}) and XML (<error code message/>)
BAD_KEY = (
    "Bad Request.  Variable api_key is not a 32 character alpha-numeric lower-case string."
    "  Read https://fred.stlouisfed.org/docs/api/api_key.html for more information."
)
NO_SERIES = "Bad Request.  The series does not exist."
# a message about another variable, naming api_key only in passing (a link to its page)
BAD_DATE = (
    "Bad Request.  Variable observation_start is not a valid date."
    "  Read https://fred.stlouisfed.org/docs/api/api_key.html for more information."
)


def serve_fred_error(httpserver, message: str, form: str) -> None:
    if form == "json":
        body, content_type = json.dumps({"error_code": 400, "error_message": message}), "json"
    else:
        body = f'<?xml version="1.0" encoding="utf-8" ?>\n<error code="400" message="{message}"/>'
        content_type = "xml"
    httpserver.expect_request(API).respond_with_data(
        body, status=400, content_type=f"application/{content_type}; charset=UTF-8"
    )


def _fred_error(http, base_url, series_id: str = "DGS10") -> FetchError:
    with pytest.raises(FetchError) as caught:
        Fred(http, api_url=base_url, api_key=SECRET).observations(series_id, START, END)
    error = caught.value
    assert error.key == series_id and f"series_id={series_id}" in error.where
    assert SECRET not in str(error) and "api_key=***" in error.where
    return error


@pytest.mark.parametrize("form", ["json", "xml"])
def test_api_a_rejected_key_says_so_with_freds_message(httpserver, http, base_url, form):
    serve_fred_error(httpserver, BAD_KEY, form)
    error = _fred_error(http, base_url)
    assert error.problem.startswith(f"FRED rejected the API key ({BAD_KEY!r}): check FRED_API_KEY")


@pytest.mark.parametrize("form", ["json", "xml"])
def test_api_an_unknown_series_says_so_in_either_form(httpserver, http, base_url, form):
    serve_fred_error(httpserver, NO_SERIES, form)
    error = _fred_error(http, base_url, "NOPE")
    assert error.problem.startswith(
        f"FRED does not know series 'NOPE' (the API said: {NO_SERIES!r})"
    )


@pytest.mark.parametrize("form", ["json", "xml"])
def test_api_another_400_is_freds_message_not_a_rejected_key(httpserver, http, base_url, form):
    """A message naming api_key without being about the key's variable is no rejected key."""
    serve_fred_error(httpserver, BAD_DATE, form)
    error = _fred_error(http, base_url)
    assert "rejected" not in error.problem and "FRED_API_KEY" not in error.problem
    assert error.problem.startswith(
        f"FRED refused the request for series DGS10 (HTTP 400): {BAD_DATE!r}"
    )
