"""The HTTP client: GET with timeouts, retries and politeness, a body that is really data
or a ``FetchError`` (see the package's docstring)."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterable, Mapping

import requests

from dagster_project.sources.base import FetchError
from dagster_project.sources.http.errors import (
    bound_error,
    check_body,
    hide_in_logs,
    no_response,
    redact,
    short_reason,
    status_error,
    tries_taken,
)
from dagster_project.sources.http.retry import (
    RETRY_STATUSES,
    BoundedRetry,
    HostPace,
    PacedAdapter,
    WaitBound,
)

log = logging.getLogger(__name__)

USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) rotation-warehouse/0.1"
Params = Mapping[str, str | int | float] | None


class HttpClient:
    """GET with timeouts, retries and politeness; one instance (one connection pool) per source.

    ``timeout`` is the connect and the read timeout in seconds (or a (connect, read) pair);
    ``retries`` is the number of retries after the first try; ``backoff`` the exponential backoff
    factor; ``max_retry_after`` caps how long a server's Retry-After may make us wait, and
    ``max_total_wait`` all the waits of one request together (Retry-After and backoff);
    ``concurrency`` bounds the requests in flight at once (threads beyond it wait), ``rate`` the
    requests per second to each host (None: unbounded).
    """

    def __init__(
        self,
        *,
        timeout: float | tuple[float, float] = 30.0,
        retries: int = 4,
        backoff: float = 1.0,
        max_retry_after: float = 120.0,
        max_total_wait: float = 180.0,
        user_agent: str = USER_AGENT,
        concurrency: int | None = None,
        rate: float | None = None,
    ):
        self.timeout = timeout if isinstance(timeout, tuple) else (timeout, timeout)
        self.retries = retries
        if concurrency is not None and concurrency < 1:
            raise ValueError(f"HTTP concurrency must be at least 1, not {concurrency}")
        if rate is not None and rate < 0:
            raise ValueError(f"HTTP rate must be positive (requests per second), not {rate}")
        if max_total_wait < 0:
            raise ValueError(f"HTTP max_total_wait must be 0 s or more, not {max_total_wait}")
        self.max_total_wait = max_total_wait
        self.concurrency = concurrency
        self.pace = HostPace(rate)
        self._slots = threading.BoundedSemaphore(concurrency) if concurrency else None
        retry = BoundedRetry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            other=0,
            redirect=5,
            allowed_methods={"GET"},
            status_forcelist=RETRY_STATUSES,
            backoff_factor=backoff,
            respect_retry_after_header=True,
            retry_after_max=int(max_retry_after),
            raise_on_status=False,  # the last response comes back: we say which status it was
            max_total_wait=max_total_wait,
        )
        self.session = requests.Session()
        self.session.headers["User-Agent"] = user_agent
        pool_size = max(10, concurrency or 0)  # a connection per thread, none discarded
        adapter = PacedAdapter(
            self.pace, max_retries=retry, pool_connections=pool_size, pool_maxsize=pool_size
        )
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    # --- the three ways to read a body ----------------------------------------------------------

    def get_bytes(
        self, key: str, url: str, params: Params = None, *, secrets: Iterable[str] = ()
    ) -> bytes:
        """The body of a 2xx response that is neither empty nor an HTML page."""
        return self._get(key, url, params, tuple(secrets))[0]

    def get_text(
        self, key: str, url: str, params: Params = None, *, secrets: Iterable[str] = ()
    ) -> str:
        """The body as text (UTF-8 unless the server says otherwise; a BOM is dropped)."""
        body, response, _ = self._get(key, url, params, tuple(secrets))
        try:
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = body.decode(response.encoding or "latin-1", errors="replace")
        return text.removeprefix("\ufeff")

    def get_json(
        self, key: str, url: str, params: Params = None, *, secrets: Iterable[str] = ()
    ) -> object:
        """The body parsed as JSON."""
        secrets = tuple(secrets)
        text = self.get_text(key, url, params, secrets=secrets)
        try:
            return json.loads(text)
        except json.JSONDecodeError as err:
            where = self.where(url, params, secrets)
            raise FetchError(
                key,
                where,
                f"invalid JSON ({err.msg} at character {err.pos} of {len(text)}): the body is"
                " truncated or not JSON; re-run, and check the URL if it persists",
            ) from None

    # --- helpers ------------------------------------------------------------------------------

    @staticmethod
    def where(url: str, params: Params, secrets: Iterable[str]) -> str:
        """The full URL of a request, with every secret replaced by ``***``."""
        full = requests.Request("GET", url, params=params).prepare().url or url
        return redact(full, secrets)

    def _get(
        self, key: str, url: str, params: Params, secrets: tuple[str, ...]
    ) -> tuple[bytes, requests.Response, str]:
        where = self.where(url, params, secrets)
        hide_in_logs(secrets)
        tries = self.retries + 1
        try:
            if self._slots is None:
                response = self.session.get(url, params=params, timeout=self.timeout)
            else:
                with self._slots:
                    response = self.session.get(url, params=params, timeout=self.timeout)
        except WaitBound as bound:
            raise bound_error(key, where, bound, secrets, self.timeout[1]) from None
        except requests.exceptions.ChunkedEncodingError:
            problem = "the body was cut off before its end (truncated response): re-run"
            raise FetchError(key, where, problem) from None
        except (requests.Timeout, requests.ConnectionError) as err:
            what, advice = no_response(err, tries, self.timeout[1], secrets)
            raise FetchError(key, where, f"{what}: {advice}") from None
        except requests.RequestException as err:
            raise FetchError(key, where, f"request failed: {short_reason(err, secrets)}") from None

        if not 200 <= response.status_code < 300:
            raise status_error(key, where, response, secrets)
        body = response.content
        check_body(key, where, response, body, secrets)
        used = tries_taken(response)
        if used > 1:
            log.info("%s: %s answered after %d tries", key, where, used)
        return body, response, where
