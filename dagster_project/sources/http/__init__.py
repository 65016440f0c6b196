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

The client is ``client.py``; the retries and the pacing under it ``retry.py``; the errors, their
messages and the redaction of secrets ``errors.py``; the strict readers of response bodies
shared by the providers (``csv_table``, ``parse_dates``, ``parse_numbers``) ``readers.py``.
"""

from dagster_project.sources.http.client import USER_AGENT, HttpClient
from dagster_project.sources.http.errors import HtmlPageError, HttpStatusError, redact
from dagster_project.sources.http.readers import csv_table, parse_dates, parse_numbers
from dagster_project.sources.http.retry import RETRY_STATUSES, HostPace

__all__ = [
    "RETRY_STATUSES",
    "USER_AGENT",
    "HostPace",
    "HtmlPageError",
    "HttpClient",
    "HttpStatusError",
    "csv_table",
    "parse_dates",
    "parse_numbers",
    "redact",
]
