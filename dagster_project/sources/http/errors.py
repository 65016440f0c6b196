"""What a failed request says: the errors, their messages and advice, with every secret
(API key) replaced by ``***``, in them and in urllib3's DEBUG log lines."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

import requests
from requests.utils import requote_uri
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError, ReadTimeoutError

from dagster_project.sources.base import FetchError
from dagster_project.sources.http.retry import WaitBound

SNIPPET_CHARS = 200


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


def hide_in_logs(secrets: Iterable[str]) -> None:
    """Keep these secrets out of urllib3's log lines from now on."""
    _REDACTOR.secrets.update(s for s in secrets if s)


def tries_taken(response: requests.Response) -> int:
    """How many requests it took: the retries urllib3 recorded, plus the last one."""
    retries = getattr(response.raw, "retries", None)
    return len(retries.history) + 1 if retries is not None else 1


def no_response(
    err: Exception, tries: int, timeout: float, secrets: Iterable[str]
) -> tuple[str, str]:
    """What came of ``tries`` tries that got no response, ``err`` the last one's error, and what
    to do about it."""
    if _timed_out(err):
        return (
            f"no response within {timeout:g} s after {tries} tries",
            "the provider is slow or down; re-run later or raise the timeout",
        )
    what = f"could not connect after {tries} tries ({short_reason(err, secrets)})"
    return what, "check the network and the base URL"


def bound_error(
    key: str, where: str, bound: WaitBound, secrets: Iterable[str], timeout: float
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
        what, advice = no_response(bound.error, bound.tries, timeout, secrets)
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


def short_reason(err: Exception, secrets: Iterable[str]) -> str:
    """A short, secret-free reason from a requests error (they quote the full URL)."""
    reason = getattr(err.args[0], "reason", None) if err.args else None
    text = str(reason or err)
    text = re.sub(r"\(host=.*?\)", "", text)  # urllib3: "(host='..', port=..): Max retries .."
    text = re.sub(r"with url: \S+", "", text)
    return redact(text, secrets).strip(" :")[:SNIPPET_CHARS]


def status_error(
    key: str, where: str, response: requests.Response, secrets: Iterable[str]
) -> HttpStatusError:
    status = response.status_code
    tries = tries_taken(response)
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


def check_body(
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
