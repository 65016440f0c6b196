"""Retries and politeness under the client: the waits of one request bounded in total, and
the requests to one host paced."""

from __future__ import annotations

import math
import threading
import time

from requests.adapters import HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

RETRY_STATUSES = (429, 500, 502, 503, 504)


class WaitBound(Exception):
    """Raised by ``BoundedRetry.sleep``: the next wait would take the request's total past its
    bound. ``response`` is the last response (a status to retry) or None; ``error`` then is the
    last connect or read error; ``asked`` the server's Retry-After in seconds, uncapped."""

    def __init__(self, retry: BoundedRetry, wait: float, asked: float | None, response):
        super().__init__(f"total wait bound of {retry.max_total_wait:g} s reached")
        self.tries, self.bound = len(retry.history), retry.max_total_wait
        self.wait, self.asked, self.response = wait, asked, response
        self.error = retry.history[-1].error if retry.history else None


class BoundedRetry(Retry):
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
        """Wait as ``Retry.sleep`` does (Retry-After, else the backoff), or raise ``WaitBound``
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
            raise WaitBound(self, wait, asked, response)
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


class PacedAdapter(HTTPAdapter):
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
