"""FRED: the keyless graph CSV (both header spellings, '.' for missing). The keyed API is in
test_fred_api.py, its error messages in test_fred_errors.py."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from fred_fakes import END, START
from provider_fakes import HOSTILE_MODES, Ok

from dagster_project.sources.base import ORIGIN, FetchError
from dagster_project.sources.fred import Fred

GRAPH = "/graph/fredgraph.csv"

GRAPH_CSV = "observation_date,DGS10\n2026-01-02,4.19\n2026-01-05,.\n2026-01-06,\n2026-01-07,4.15\n"
OLD_GRAPH_CSV = "DATE,UNRATE\n2025-09-01,4.4\n2025-10-01,.\n2025-11-01,4.6\n"


def test_graph_csv_with_observation_date_header(httpserver, http, base_url):
    httpserver.expect_request(
        GRAPH, query_string={"id": "DGS10", "cosd": "2026-01-01", "coed": "2026-01-31"}
    ).respond_with_data(GRAPH_CSV, content_type="text/csv")
    frame = Fred(http, graph_url=base_url).observations("DGS10", START, END)
    # each row says where it came from (a refused load names it)
    assert set(frame.pop(ORIGIN)) == {f"{base_url}{GRAPH}?id=DGS10&cosd=2026-01-01&coed=2026-01-31"}
    # '.' and the empty cell are missing observations: those rows are absent, not NaN
    assert frame.to_dict("list") == {
        "series_id": ["DGS10", "DGS10"],
        "date": [pd.Timestamp("2026-01-02"), pd.Timestamp("2026-01-07")],
        "value": [4.19, 4.15],
    }
    assert frame["date"].dtype == "datetime64[ns]" and frame["value"].dtype == float


def test_graph_csv_with_the_older_date_header(httpserver, http, base_url):
    httpserver.expect_request(GRAPH).respond_with_data(OLD_GRAPH_CSV, content_type="text/csv")
    frame = Fred(http, graph_url=base_url).observations("UNRATE", date(2025, 1, 1), END)
    assert frame["date"].dt.strftime("%Y-%m").tolist() == ["2025-09", "2025-11"]
    assert frame["value"].tolist() == [4.4, 4.6]


def test_graph_csv_of_another_series_or_header_is_refused(httpserver, http, base_url):
    httpserver.expect_request(GRAPH).respond_with_data("day,DGS2\n2026-01-02,1\n")
    with pytest.raises(FetchError, match="DGS2: unexpected CSV header"):
        Fred(http, graph_url=base_url).observations("DGS2", START, END)
    httpserver.clear()
    httpserver.expect_request(GRAPH).respond_with_data(GRAPH_CSV)
    with pytest.raises(FetchError, match="holds series 'DGS10'"):
        Fred(http, graph_url=base_url).observations("DGS2", START, END)


def test_graph_csv_cut_mid_row_is_not_loaded(httpserver, http, base_url):
    httpserver.expect_request(GRAPH).respond_with_data(
        "observation_date,DGS10\n2026-01-02,4.19\n2026-01-0"
    )
    with pytest.raises(FetchError, match="line 3 has 1 field.* truncated"):
        Fred(http, graph_url=base_url).observations("DGS10", START, END)


def test_graph_csv_unknown_series(httpserver, http, base_url):
    httpserver.expect_request(GRAPH).respond_with_data("Series not found", status=404)
    with pytest.raises(FetchError, match="FRED does not know series 'NOPE'"):
        Fred(http, graph_url=base_url).observations("NOPE", START, END)


@pytest.mark.parametrize("mode", HOSTILE_MODES)
def test_graph_csv_on_a_hostile_endpoint(hostile, base_url, mode):
    frame = hostile(
        mode,
        GRAPH,
        Ok(GRAPH_CSV, "text/csv"),
        lambda client: Fred(client, graph_url=base_url).observations("DGS10", START, END),
        "DGS10",
    )
    if frame is not None:
        assert frame["value"].tolist() == [4.19, 4.15]
