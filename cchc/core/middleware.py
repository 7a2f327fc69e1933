"""Server-Timing: every response says how long the server took and how many queries it made.

Browsers show it in their developer tools, and the browser tests read it to hold each main page under its
time budget and pinned query count on the demo data (an N+1 regression then fails CI).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse


class ServerTimingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.enabled = getattr(settings, "CCHC_SERVER_TIMING", True)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.enabled:
            return self.get_response(request)
        counter = _QueryCounter()
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        elapsed = (time.perf_counter() - started) * 1000
        response["Server-Timing"] = (
            f'app;dur={elapsed:.1f}, db;desc="{counter.count} queries";dur={counter.milliseconds:.1f}'
        )
        response["X-Query-Count"] = str(counter.count)
        return response


class _QueryCounter:
    def __init__(self) -> None:
        self.count = 0
        self.milliseconds = 0.0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.milliseconds += (time.perf_counter() - started) * 1000


class ReadingSessionMiddleware:
    """Each GET request is one measure-reading session (see cchc.measures.readings.reading_session), so
    that a page reading many measures over the same data counts it once. Writes get no session: a POST
    that changes data and reads it back must not see figures memoised before its change."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        from cchc.measures.readings import reading_session

        with reading_session():
            return self.get_response(request)
