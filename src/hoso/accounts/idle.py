"""The idle timeout (issue 21, item 4): a session ends ``HOSO_IDLE_MINUTES`` after its last request.

``SESSION_COOKIE_AGE`` is that time, so a session saved at a request expires (cookie and database row)
that long after it. Saving on every request (``SESSION_SAVE_EVERY_REQUEST``) would write the session row
on every page, image and htmx poll; this middleware saves it only when the last save is older than
``REFRESH_SECONDS`` — one write a minute at most per officer, while the end comes between
``HOSO_IDLE_MINUTES`` − 1 minute and ``HOSO_IDLE_MINUTES`` after the last request. Requests without a
session cookie (the I-VAN API, the public lookup), or whose view never read the session (probes, static
files), are not touched.
"""

from __future__ import annotations

import time

from django.conf import settings

REFRESH_SECONDS = 60
SEEN = "hoso_seen"  # the session key: when the session was last saved (seconds since the epoch)


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return response
        session = getattr(request, "session", None)
        if session is None or not session.accessed or session.modified or session.is_empty():
            # Not read by this request (a probe, a static file: no load for it), saved anyway (log-in,
            # log-out, a message), or empty.
            return response
        now = int(time.time())
        if now - int(session.get(SEEN, 0)) >= REFRESH_SECONDS:
            session[SEEN] = now  # marks it modified: SessionMiddleware saves it with a new expiry
        return response
