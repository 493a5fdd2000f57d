"""Per-minute limits over a moving window, counted by the `limits` library.

A limit of N a minute lets at most N hits into any 60 seconds (a fixed per-minute counter let 2N
through around the turn of a minute). Hits are counted in Redis when settings.REDIS_URL is set,
so every web process counts on the same window; without it (`make run`, the embedded setup) in
this process's memory, as the local-memory cache counted before.

Callers name a `scope` (what is limited) and `who` (whom it counts against); a refused hit
answers the whole seconds after which the oldest hit in the window has left it, for a Retry-After.
"""

from __future__ import annotations

import math
import threading
import time

from django.conf import settings
from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

_lock = threading.Lock()
_limiter: MovingWindowRateLimiter | None = None


def _storage() -> Storage:
    if settings.REDIS_URL:
        return storage_from_string(settings.REDIS_URL, key_prefix="panel-limits")
    return MemoryStorage()


def _get() -> MovingWindowRateLimiter:
    # Built on first use, not at import: the settings (and a test's REDIS_URL) are read then.
    global _limiter
    if _limiter is None:
        with _lock:
            if _limiter is None:
                _limiter = MovingWindowRateLimiter(_storage())
    return _limiter


def _retry_after(item: RateLimitItemPerMinute, scope: str, who: str) -> int:
    reset_at = _get().get_window_stats(item, scope, who).reset_time
    # A hit exactly a minute old still counts (limits' window includes its edge): the whole
    # seconds strictly past it, so that a client waiting Retry-After is let in.
    return max(1, math.floor(reset_at - time.time()) + 1)


def rate_limit_hit(*, scope: str, who: str, per_minute: int) -> int | None:
    """Count a hit of `who` in `scope`: None when it fits in the last minute's `per_minute`, else
    the Retry-After seconds (the refused hit is not counted)."""
    item = RateLimitItemPerMinute(per_minute)
    if _get().hit(item, scope, who):
        return None
    return _retry_after(item, scope, who)


def rate_limit_check(*, scope: str, who: str, per_minute: int) -> int | None:
    """None while `who` has fewer than `per_minute` hits in the last minute, else the Retry-After
    seconds. Counts nothing."""
    item = RateLimitItemPerMinute(per_minute)
    if _get().test(item, scope, who):
        return None
    return _retry_after(item, scope, who)


def rate_limits_reset() -> None:
    """Forget every hit (tests start each from none)."""
    _get().storage.reset()
