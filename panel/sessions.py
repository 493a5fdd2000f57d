"""Ending a user's site sessions, wherever they were opened.

allauth.usersessions is not installed, so no table maps a user to their sessions: the session rows
(the database session engine, Django's default and ours) are read and decoded, as Django's own
`Session.get_decoded` does. That reads every live session, so it serves rare steps only (sign out
everywhere, a password reset), never a request's hot path.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone

_CHUNK = 500


def user_sessions_end(*, user_id: int, keep: str | None = None) -> int:
    """End every live session of user `user_id` but `keep` (a session key); how many ended."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    theirs = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=_CHUNK)
        if session.session_key != keep and session.get_decoded().get(SESSION_KEY) == str(user_id)
    ]
    for session_key in theirs:
        # Through the engine, not the table: a cached_db engine forgets its cached copy too.
        store().delete(session_key)
    return len(theirs)
