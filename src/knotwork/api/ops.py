"""Operators' probes. ``/healthz`` (in knotwork.web) answers without the database, for load
balancers; ``/readyz`` also checks that the database answers."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return HttpResponse(f"database unavailable: {type(error).__name__}", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
