"""The test configuration refuses connections beyond this machine."""

import socket

import pytest
import requests


def test_a_connection_to_the_internet_is_refused():
    with pytest.raises(OSError, match="may not connect"):
        socket.create_connection(("93.184.216.34", 80), timeout=1)
    with pytest.raises(requests.exceptions.ConnectionError, match="may not connect"):
        requests.get("http://93.184.216.34/", timeout=1)


def test_a_connection_to_this_machine_is_allowed(httpserver):
    httpserver.expect_request("/ping").respond_with_data("pong")
    assert requests.get(httpserver.url_for("/ping"), timeout=5).text == "pong"
