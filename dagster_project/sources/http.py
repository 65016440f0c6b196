"""The one HTTP client of the live providers: timeouts, retries honouring Retry-After, errors.

A ``requests.Session`` with ``urllib3``'s ``Retry``: 429, 500, 502, 503 and 504 and connect and
read errors (timeouts included) are retried with exponential backoff (``backoff`` x 2^n seconds)
or after the server's ``Retry-After`` (capped at ``max_retry_after``), and the waits of one
request together are bounded by ``max_total_wait``: a wait that would pass it is not waited, the
request fails at once saying so. Every call has a (connect, read) timeout. ``get_bytes``,
``get_text`` and ``get_json`` return a body that is really data, or raise ``FetchError`` naming
the key and the URL, for: a final bad status (which, after how many tries), the total wait bound
reached, a timeout, a connection error, an HTML page served with status 200 (consent and login
pages), an empty body, a body cut off before its Content-Length, and invalid JSON.

Politeness, for runs that fetch thousands of symbols: at most ``concurrency`` requests of one
client are in flight at once (a semaphore around each call, retries included), and requests to
one host are spaced at least 1 / ``rate`` seconds apart (every attempt, retries included: the
pacing sits in urllib3's connection pools, under the retries). Both are off when None.

Secrets (API keys) passed as ``secrets=`` are replaced by ``***`` in every message, and in the
DEBUG log lines of urllib3, which print request URLs with their query strings.

The strict readers at the end (``csv_table``, ``parse_dates``, ``parse_numbers``) are shared by
the providers: a CSV row with missing fields (a body cut mid-row) or a cell that is not a date or a
number raises ``FetchError`` instead of loading half a row.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
import re
import threading
import time
from collections.abc import Iterable, Mapping
from urllib.parse import quote, quote_plus

import pandas as pd
import requests
from requests.adapters import HTTPAdapter
from requests.utils import requote_uri
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError, ReadTimeoutError
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

from dagster_project.sources.base import FetchError

log = logging.getLogger(__name__)

RETRY_STATUSES = (429, 500, 502, 503, 504)
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) rotation-warehouse/0.1"
SNIPPET_CHARS = 200
Params = Mapping[str, str | int | float] | None


class HttpStatusError(FetchError):
    """The final response had a status other than 2xx; ``body`` is its (redacted) text."""

    def __init__(self, key: str, where: str, problem: str, *, status: int, body: str):
        super().__init__(key, where, problem)
        self.status, self.body = status, body


class HtmlPageError(FetchError):
    """Status 200, but an HTML page (a consent, login or key page) instead of data."""


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret, as written or URL-encoded, replaced by ``***``."""
    for secret in secrets:
        if secret:
            encoded = quote_plus(secret)  # as in a query string, before and after requests'
            for form in {secret, quote(secret, safe=""), encoded, requote_uri(encoded)}:
                text = text.replace(form, "***")
    return text


class _RedactSecrets(logging.Filter):
    """Keeps API keys out of urllib3's DEBUG lines (they print the URL with its query)."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            message = record.getMessage()
            cleaned = redact(message, self.secrets)
            if cleaned != message:
                record.msg, record.args = cleaned, ()
        return True


_REDACTOR = _RedactSecrets()
for _name in ("urllib3.connectionpool", "urllib3.util.retry"):
    logging.getLogger(_name).addFilter(_REDACTOR)


class _WaitBound(Exception):
    """Raised by ``_BoundedRetry.sleep``: the next wait would take the request's total past its
    bound. ``response`` is the last response (a status to retry) or None; ``error`` then is the
    last connect or read error; ``asked`` the server's Retry-After in seconds, uncapped."""

    def __init__(self, retry: _BoundedRetry, wait: float, asked: float | None, response):
        super().__init__(f"total wait bound of {retry.max_total_wait:g} s reached")
        self.tries, self.bound = len(retry.history), retry.max_total_wait
        self.wait, self.asked, self.response = wait, asked, response
        self.error = retry.history[-1].error if retry.history else None


class _BoundedRetry(Retry):
    """urllib3's ``Retry``, the waits of one request (Retry-After and backoff) bounded in total.

    Each request's retries are new instances made from the client's by ``increment``; ``waited``
    passes from one to the next, so the bound is per request, and the client's own instance,
    shared by threads, is never changed.
    """

    def __init__(self, *args, max_total_wait: float = math.inf, waited: float = 0.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_total_wait, self.waited = max_total_wait, waited

    def new(self, **kw):
        kw.setdefault("max_total_wait", self.max_total_wait)
        kw.setdefault("waited", self.waited)
        return super().new(**kw)

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        """Wait as ``Retry.sleep`` does (Retry-After, else the backoff), or raise ``_WaitBound``
        when that wait would take this request's total past ``max_total_wait``."""
        wait = self.get_retry_after(response) if self.respect_retry_after_header and response else 0
        asked = None
        if wait:  # as Retry.sleep: a Retry-After of 0 falls back to the backoff
            header = response.headers["Retry-After"]  # its own seconds, before our cap:
            asked = self.new(retry_after_max=2**62).parse_retry_after(header)
        else:
            wait = self.get_backoff_time()
        if self.waited + wait > self.max_total_wait:
            if response is not None:
                response.release_conn()
            raise _WaitBound(self, wait, asked, response)
        self.waited += wait
        if wait > 0:
            time.sleep(wait)


class HostPace:
    """Spaces the requests to each host at least ``1 / rate`` seconds apart (thread-safe).

    Each request reserves the next free slot of its host and sleeps until it: no bursts, and
    the pace holds across threads. ``rate`` None or 0: no pacing.
    """

    def __init__(self, rate: float | None):
        self.interval = 1.0 / rate if rate else 0.0
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}

    def wait(self, host: str) -> None:
        if not self.interval:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next.get(host, now))
            self._next[host] = slot + self.interval
        if slot > now:
            time.sleep(slot - now)

    def pool_classes(self) -> dict[str, type]:
        """urllib3 connection-pool classes whose every attempt (retries too) keeps the pace."""
        pace = self

        class Paced:
            def urlopen(self, method, url, *args, **kwargs):  # retries call urlopen again
                pace.wait(self.host)
                return super().urlopen(method, url, *args, **kwargs)

        http = type("PacedHTTPConnectionPool", (Paced, HTTPConnectionPool), {})
        https = type("PacedHTTPSConnectionPool", (Paced, HTTPSConnectionPool), {})
        return {"http": http, "https": https}


class _PacedAdapter(HTTPAdapter):
    """requests' adapter over connection pools that keep a ``HostPace`` (proxied ones too)."""

    def __init__(self, pace: HostPace, **kwargs):
        self.pace = pace  # before super().__init__, which builds the pool manager
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self.pace.pool_classes()

    def proxy_manager_for(self, proxy, **kwargs):
        manager = super().proxy_manager_for(proxy, **kwargs)
        manager.pool_classes_by_scheme = self.pace.pool_classes()
        return manager


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
        retry = _BoundedRetry(
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
        adapter = _PacedAdapter(
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
        _REDACTOR.secrets.update(s for s in secrets if s)
        tries = self.retries + 1
        try:
            if self._slots is None:
                response = self.session.get(url, params=params, timeout=self.timeout)
            else:
                with self._slots:
                    response = self.session.get(url, params=params, timeout=self.timeout)
        except _WaitBound as bound:
            raise _bound_error(key, where, bound, secrets, self.timeout[1]) from None
        except requests.exceptions.ChunkedEncodingError:
            problem = "the body was cut off before its end (truncated response): re-run"
            raise FetchError(key, where, problem) from None
        except (requests.Timeout, requests.ConnectionError) as err:
            what, advice = _no_response(err, tries, self.timeout[1], secrets)
            raise FetchError(key, where, f"{what}: {advice}") from None
        except requests.RequestException as err:
            raise FetchError(key, where, f"request failed: {_reason(err, secrets)}") from None

        if not 200 <= response.status_code < 300:
            raise _status_error(key, where, response, secrets)
        body = response.content
        _check_body(key, where, response, body, secrets)
        used = _tries(response)
        if used > 1:
            log.info("%s: %s answered after %d tries", key, where, used)
        return body, response, where


def _tries(response: requests.Response) -> int:
    """How many requests it took: the retries urllib3 recorded, plus the last one."""
    retries = getattr(response.raw, "retries", None)
    return len(retries.history) + 1 if retries is not None else 1


def _no_response(
    err: Exception, tries: int, timeout: float, secrets: Iterable[str]
) -> tuple[str, str]:
    """What came of ``tries`` tries that got no response, ``err`` the last one's error, and what
    to do about it."""
    if _timed_out(err):
        return (
            f"no response within {timeout:g} s after {tries} tries",
            "the provider is slow or down; re-run later or raise the timeout",
        )
    what = f"could not connect after {tries} tries ({_reason(err, secrets)})"
    return what, "check the network and the base URL"


def _bound_error(
    key: str, where: str, bound: _WaitBound, secrets: Iterable[str], timeout: float
) -> FetchError:
    """The request stopped at its total wait bound: what the last try got, and the wait."""
    if bound.asked is not None:
        waiting = (
            f"the server asked to wait {bound.asked:.0f} s (Retry-After) and the total wait"
            f" bound of {bound.bound:g} s per request was reached"
        )
    else:
        waiting = (
            f"the next wait ({bound.wait:g} s of backoff) would pass the total wait bound of"
            f" {bound.bound:g} s per request"
        )
    if bound.response is None:
        what, advice = _no_response(bound.error, bound.tries, timeout, secrets)
        return FetchError(key, where, f"{what} and {waiting}: {advice}")
    status, reason = bound.response.status, bound.response.reason or ""
    tries = f"{bound.tries} {'try' if bound.tries == 1 else 'tries'}"
    problem = f"HTTP {status} {reason}".rstrip() + f" after {tries}: {waiting}; {_advice(status)}"
    return HttpStatusError(key, where, problem, status=status, body="")


def _timed_out(err: Exception) -> bool:
    """Whether a requests or urllib3 error is (or wraps) a connect or read timeout, not a
    refusal."""
    if isinstance(err, requests.Timeout):
        return True
    wrapped = err.args[0] if err.args else None  # urllib3's error, or MaxRetryError around it
    for cause in (err, wrapped, getattr(wrapped, "reason", None)):
        if isinstance(cause, NewConnectionError):  # a subclass of ConnectTimeoutError
            return False
        if isinstance(cause, ReadTimeoutError | ConnectTimeoutError):
            return True
    return False


def _reason(err: Exception, secrets: Iterable[str]) -> str:
    """A short, secret-free reason from a requests error (they quote the full URL)."""
    reason = getattr(err.args[0], "reason", None) if err.args else None
    text = str(reason or err)
    text = re.sub(r"\(host=.*?\)", "", text)  # urllib3: "(host='..', port=..): Max retries .."
    text = re.sub(r"with url: \S+", "", text)
    return redact(text, secrets).strip(" :")[:SNIPPET_CHARS]


def _status_error(
    key: str, where: str, response: requests.Response, secrets: Iterable[str]
) -> HttpStatusError:
    status = response.status_code
    tries = _tries(response)
    body = redact(response.text, secrets)
    snippet = "" if _looks_like_html(response, body) else _snippet(body)
    problem = f"HTTP {status} {response.reason or ''}".rstrip()
    problem += f" after {tries} {'try' if tries == 1 else 'tries'}: {_advice(status)}"
    if snippet:
        problem += f" (the server said: {snippet})"
    return HttpStatusError(key, where, problem, status=status, body=body)


def _advice(status: int) -> str:
    """What to do about a final status other than 2xx."""
    if status == 429:
        return "the provider is rate-limiting: wait, then re-run"
    if status >= 500:
        return "the provider is failing: re-run later"
    if status in (401, 403):
        return "access denied: check the API key or whether the provider blocks this client"
    if status == 404:
        return "not found: check the symbol or series and the base URL"
    return "the request was refused: check the symbol or series and the base URL"


def _check_body(
    key: str, where: str, response: requests.Response, body: bytes, secrets: Iterable[str]
) -> None:
    if not body.strip():
        raise FetchError(key, where, "empty response body: re-run; if it persists, check the URL")
    head = body[:2048].decode("utf-8", errors="replace")
    if _looks_like_html(response, head):
        title = re.search(r"<title[^>]*>(.*?)</title>", head, re.IGNORECASE | re.DOTALL)
        said = f" titled {_snippet(redact(title.group(1), secrets))!r}" if title else ""
        raise HtmlPageError(
            key,
            where,
            f"got an HTML page{said} instead of data (a consent, login or API-key page, or an"
            " error page): open the URL in a browser to see why",
        )


def _looks_like_html(response: requests.Response, head: str) -> bool:
    """A page, not data: it starts like HTML, or is markup served as text/html (servers do
    mislabel CSV as text/html, so the content type alone is not enough)."""
    content_type = response.headers.get("Content-Type", "").lower()
    start = head.lstrip("\ufeff \t\r\n").lower()
    return start.startswith(("<!doctype", "<html")) or (
        "text/html" in content_type and start.startswith("<")
    )


def _snippet(text: str) -> str:
    return " ".join(text.split())[:SNIPPET_CHARS]


# --- strict readers of response bodies ----------------------------------------------------------


def csv_table(key: str, where: str, text: str, first_line: int = 1) -> pd.DataFrame:
    """A CSV body as a frame of strings (blank lines skipped).

    A row whose field count differs from the header's (a body cut mid-row) raises: half a row
    must never load. ``first_line`` is the line number of ``text``'s first line in the file.
    """
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(row for row in reader if row)
    except StopIteration:
        raise FetchError(key, where, "the CSV has no header row") from None
    except csv.Error as err:
        raise FetchError(key, where, f"unreadable CSV ({err})") from None
    rows = []
    try:
        for row in reader:
            if not row:
                continue
            if len(row) != len(header):
                raise FetchError(
                    key,
                    where,
                    f"CSV line {reader.line_num + first_line - 1} has {len(row)} field(s) where"
                    f" the header has {len(header)}: the body is truncated or malformed; re-run",
                )
            rows.append(row)
    except csv.Error as err:
        raise FetchError(
            key, where, f"unreadable CSV at line {reader.line_num + first_line - 1} ({err})"
        ) from None
    return pd.DataFrame(rows, columns=[h.strip() for h in header], dtype=str)


def parse_dates(key: str, where: str, values: pd.Series, fmt: str | None = None) -> pd.Series:
    """Text dates as datetime64[ns] (index kept); one that does not parse raises."""
    text = values.astype(str).str.strip()
    dates = pd.to_datetime(text, format=fmt, errors="coerce")
    bad = dates.isna()
    if bad.any():
        raise FetchError(
            key,
            where,
            f"unreadable date {text[bad].iloc[0]!r}: the format changed or the body is truncated",
        )
    return dates.astype("datetime64[ns]")


def parse_numbers(
    key: str,
    where: str,
    values: pd.Series,
    column: str,
    nulls: Iterable[str] = ("", "-"),
    names: pd.Series | None = None,
) -> pd.Series:
    """Text numbers (``"1,234.50"``) as floats, ``nulls`` as NaN; anything else raises, naming
    the value's row: its name in ``names`` (a holding's ticker), else its row of the table."""
    text = values.astype("string").str.strip().str.replace(",", "", regex=False)
    text = text.mask(text.isin(tuple(nulls)))
    numbers = pd.to_numeric(text, errors="coerce").astype(float)
    bad = numbers.isna() & text.notna()
    if bad.any():
        row = bad.to_numpy().argmax()
        named = f"of {names.iloc[row]}" if names is not None else f"in row {row + 1} of the table"
        raise FetchError(
            key,
            where,
            f"{column} {values.iloc[row]!r} {named} is not a number (an edited file, or the"
            " format changed)",
        )
    return numbers
