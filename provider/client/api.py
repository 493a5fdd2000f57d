"""ProviderClient: the API v2 actions over HTTP, with timeouts, retries and a scrubbed key."""

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar
from urllib.parse import quote_plus, urlsplit

import requests
from urllib3.exceptions import ConnectTimeoutError, HTTPError

from panel.http import BoundedAdapter, NoRedirectSession, watched_exchange
from provider.client.answers import (
    MAX_CHARGE,
    MAX_COUNT,
    Balance,
    OrderStatusResult,
    RefillStatusResult,
    ServiceList,
    as_bool,
    as_decimal,
    as_int,
    as_text,
    entries,
    error_text,
    field_of,
    parse_order_status,
    parse_refill_id,
    parse_refill_status,
    parse_services,
)
from provider.client.errors import (
    ProviderBadAnswer,
    ProviderError,
    ProviderOutcomeUnknown,
    ProviderRefused,
    ProviderUnreachable,
)
from provider.statuses import RefusalKind

MAX_IDS_PER_CALL = 100
# The largest answer read: a catalog of 5,000 services is about 2 MB. A longer body is not read
# into memory; it is a bad answer.
MAX_ANSWER_BYTES = 32 * 1024 * 1024

T = TypeVar("T")

log = logging.getLogger("provider.client")


# Which failures a call may be repeated after. Reads are harmless to repeat; `refill` and `cancel`
# only when no connection was made (nothing was sent); `add` never: re-sending may buy twice.
def _retry_reads(error: ProviderError) -> bool:
    if isinstance(error, ProviderBadAnswer):
        return (error.status_code or 0) >= 500
    return isinstance(error, ProviderUnreachable | ProviderOutcomeUnknown)


def _retry_unsent(error: ProviderError) -> bool:
    return isinstance(error, ProviderUnreachable)


def _retry_never(error: ProviderError) -> bool:
    return False


class _ManyForm(NamedTuple):
    """How one many-form action is asked and read."""

    action: str
    param: str  # the comma-separated ids
    id_field: str  # the id's name in a list-form answer
    value_field: str | None  # the value's name in an entry; None: the whole entry
    convert: Callable[[Any], Any]  # an id as it is keyed in the result
    parse: Callable[[Any], Any]
    may_retry: Callable[[ProviderError], bool]


_STATUSES = _ManyForm("status", "orders", "order", None, int, parse_order_status, _retry_reads)
_REFILLS = _ManyForm("refill", "orders", "order", "refill", int, parse_refill_id, _retry_unsent)
_REFILL_STATUSES = _ManyForm(
    "refill_status", "refills", "refill", "status", str, parse_refill_status, _retry_reads
)
_CANCELS = _ManyForm("cancel", "orders", "order", "cancel", int, as_bool, _retry_unsent)


# Failures that happen before a byte of the request is written: the provider saw nothing.
_UNSENT = (
    requests.ConnectTimeout,
    requests.exceptions.SSLError,
    requests.exceptions.ProxyError,
    requests.exceptions.InvalidURL,
    requests.exceptions.InvalidSchema,
    requests.exceptions.MissingSchema,
)


class ProviderClient:
    """One provider's API v2 over a pooled session, shareable between threads.

    Reads (services, status, refill_status, balance) are retried `retries` times with exponential
    back-off (`backoff` x 1, 2, 4... seconds) after a failed connection, a timeout or an HTTP 5xx.
    `refill` and `cancel` are retried only when no connection was made; `add` is never retried.
    `calls` counts the HTTP requests sent, retries included.
    """

    def __init__(
        self,
        api_url: str,
        api_key: str,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        retries: int = 2,
        backoff: float = 0.5,
        session: requests.Session | None = None,
        max_connections: int = 16,
    ) -> None:
        self.api_url = api_url
        self._api_key = api_key
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.retries = retries
        self.backoff = backoff
        self._host = urlsplit(api_url).hostname or "?"
        self._calls = 0
        self._lock = threading.Lock()
        if session is None:
            session = NoRedirectSession()  # a redirect is an answer (see _post), its body unread
            # max_retries=0: urllib3 must never repeat a request on its own; retries are decided here.
            # Bounded: the status line and headers, not only the body, arrive by the call's deadline.
            adapter = BoundedAdapter(pool_connections=4, pool_maxsize=max_connections, max_retries=0)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
        self._session = session

    def __repr__(self) -> str:
        return f"<ProviderClient {self._scrub(self.api_url)}>"

    @property
    def calls(self) -> int:
        """How many HTTP requests this client has sent, retries included."""
        return self._calls

    def close(self) -> None:
        self._session.close()

    def services(self) -> ServiceList:
        """The provider's catalog. A malformed entry is not fatal: it is logged and listed in the
        answer's `unreadable`, for the catalog sync to report and to keep that service as it was."""
        answer = self._call("services", {}, _retry_reads)
        items = list(answer.values()) if isinstance(answer, dict) else answer
        if not isinstance(items, list):
            raise ProviderBadAnswer("services: the answer is not a list")
        services = parse_services(items)
        for entry in services.unreadable:
            log.warning("provider services %s: an unreadable entry: %s", self._host, entry.reason)
        return services

    def add(self, *, service: int, **params: Any) -> int:
        """Places an order and returns the provider's order id. Never retried: see ProviderError.
        Lists (comments, usernames, ...) are sent one item per line; None values are left out."""
        form: dict[str, Any] = {"service": service}
        for name, value in params.items():
            if isinstance(value, list | tuple):
                value = "\n".join(str(line) for line in value)
            if value is not None:
                form[name] = int(value) if isinstance(value, bool) else value
        order_id = as_int(field_of(self._call("add", form, _retry_never), "order"), "order")
        if not 0 < order_id <= MAX_COUNT:
            raise ProviderBadAnswer(f"add: the order id is {order_id}")
        return order_id

    def status(self, order_id: int) -> OrderStatusResult:
        return parse_order_status(self._call("status", {"order": order_id}, _retry_reads))

    def statuses(self, order_ids: Iterable[int]) -> dict[int, OrderStatusResult | ProviderRefused]:
        """Statuses by order id, 100 ids per call. A per-id error is a ProviderRefused value; an id
        the provider left out of its answer, or answered with garbage (logged), is absent."""
        return self._many(_STATUSES, order_ids)

    def refill(self, order_id: int) -> str:
        """Asks for a refill and returns its id; the outcome comes through `refill_status`."""
        answer = self._call("refill", {"order": order_id}, _retry_unsent)
        return self._raise(self._refused_or(field_of(answer, "refill"), parse_refill_id))

    def refills(self, order_ids: Iterable[int]) -> dict[int, str | ProviderRefused]:
        """Refill ids by order id, 100 per call; a per-order error is a ProviderRefused value."""
        return self._many(_REFILLS, order_ids)

    def refill_status(self, refill_id: str | int) -> RefillStatusResult:
        answer = self._call("refill_status", {"refill": refill_id}, _retry_reads)
        if not isinstance(answer, dict):
            raise ProviderBadAnswer("refill_status: the answer is not an object")
        return self._raise(self._refused_or(answer.get("status"), parse_refill_status))

    def refill_statuses(
        self, refill_ids: Iterable[str | int]
    ) -> dict[str, RefillStatusResult | ProviderRefused]:
        """Refill statuses by refill id (a str), 100 per call; a per-refill error is a value."""
        return self._many(_REFILL_STATUSES, refill_ids)

    def cancel(self, order_ids: Iterable[int]) -> dict[int, bool | ProviderRefused]:
        """Asks to cancel orders, 100 per call. True means the request was accepted, not that the
        order is canceled: that comes through `status`. A per-order error is a ProviderRefused value."""
        return self._many(_CANCELS, order_ids)

    def balance(self) -> Balance:
        answer = self._call("balance", {}, _retry_reads)
        amount = as_decimal(field_of(answer, "balance"), "balance")
        if abs(amount) > MAX_CHARGE:  # it is stored in an amount column
            raise ProviderBadAnswer(f"balance: {amount} is out of bounds")
        return Balance(amount, as_text(field_of(answer, "currency")) or "")

    # -- answers ----------------------------------------------------------------------------

    def _many(self, form: "_ManyForm", ids: Iterable[Any]) -> dict[Any, Any]:
        """{id: parsed value or ProviderRefused} for the asked-for ids the answers mention. Ids are
        deduplicated and sent MAX_IDS_PER_CALL per call; an unreadable entry is logged and left out,
        so one bad entry does not hide what the provider did with the others."""
        unique = list(dict.fromkeys(form.convert(i) for i in ids))
        results = {}
        for start in range(0, len(unique), MAX_IDS_PER_CALL):
            chunk = unique[start : start + MAX_IDS_PER_CALL]
            answer = self._call(form.action, {form.param: ",".join(map(str, chunk))}, form.may_retry)
            wanted = {str(i): i for i in chunk}
            for key, value in entries(answer, form.id_field, form.value_field):
                if key not in wanted:
                    continue
                try:
                    results[wanted[key]] = self._refused_or(value, form.parse)
                except ProviderBadAnswer as error:
                    log.warning("provider %s %s: id %s: %s", form.action, self._host, key, error)
        return results

    def _refused_or(self, value: Any, parse: Callable[[Any], T]) -> T | ProviderRefused:
        """A ProviderRefused when `value` is `{"error": ...}`, else `parse(value)`."""
        error = error_text(value)
        return parse(value) if error is None else ProviderRefused.from_text(self._scrub(error))

    @staticmethod
    def _raise(value: T | ProviderRefused) -> T:
        if isinstance(value, ProviderRefused):
            raise value
        return value

    # -- transport --------------------------------------------------------------------------

    def _scrub(self, text: str) -> str:
        for secret in {self._api_key, quote_plus(self._api_key)} - {""}:
            text = text.replace(secret, "[key]")
        return text

    def _call(self, action: str, params: dict[str, Any], may_retry: Callable[[ProviderError], bool]) -> Any:
        """The parsed JSON answer; a top-level `{"error": ...}` is raised as ProviderRefused."""
        attempt = 0
        while True:
            try:
                return self._post(action, params)
            except ProviderError as error:
                if attempt >= self.retries or not may_retry(error):
                    raise
            time.sleep(self.backoff * 2**attempt)
            attempt += 1

    def _post(self, action: str, params: dict[str, Any]) -> Any:
        with self._lock:
            self._calls += 1
        started = time.monotonic()
        # The whole call's time; BoundedAdapter holds the status line and headers to it as well.
        deadline = started + self.connect_timeout + self.read_timeout
        try:
            try:
                with watched_exchange() as exchange:
                    response = self._session.post(
                        self.api_url,
                        data={"key": self._api_key, "action": action, **params},
                        timeout=(self.connect_timeout, self.read_timeout),
                        stream=True,
                        # A redirect would send the key to wherever it points (307 and 308 re-send the
                        # form), or lose the form (301-303 turn the POST into a GET): an answer, not a hop.
                        allow_redirects=False,
                    )
            except requests.RequestException as exc:
                # `from None`: requests' exceptions carry the prepared request, key and all.
                raise self._transport_error(action, exc, deadline=deadline, sent=exchange.sent) from None
            with response:
                if response.is_redirect:  # its body is of no use: not read
                    target = self._scrub(response.headers.get("Location", ""))[:200]
                    raise ProviderBadAnswer(
                        f"{action}: HTTP {response.status_code} from {self._host}, a redirect to {target!r}: "
                        "not followed; if the provider's API has moved, change its URL",
                        status_code=response.status_code,
                    )
                body = self._body(action, response, deadline=deadline)
            answer = self._parse(action, response.status_code, body)
        except ProviderError as error:
            # A refusal is an answer (the panel decides what it means); anything else is a fault.
            level = logging.INFO if isinstance(error, ProviderRefused) else logging.WARNING
            elapsed = (time.monotonic() - started) * 1000
            log.log(
                level,
                "provider %s %s: %s: %s (%d ms)",
                action,
                self._host,
                type(error).__name__,
                error,
                elapsed,
            )
            raise
        log.debug("provider %s %s: ok (%d ms)", action, self._host, (time.monotonic() - started) * 1000)
        return answer

    def _body(self, action: str, response: requests.Response, *, deadline: float) -> bytes:
        """The answer's body, read as it arrives: at most MAX_ANSWER_BYTES, and all of it by
        `deadline` (the read timeout alone bounds each wait for a byte, so a provider sending a
        byte at a time would hold the call for ever). BoundedAdapter ends a read at the deadline;
        the check here bounds the body with any other session too."""
        chunks: list[bytes] = []
        size = 0
        try:
            while chunk := response.raw.read1(64 * 1024, decode_content=True):
                size += len(chunk)
                if size > MAX_ANSWER_BYTES:
                    raise ProviderBadAnswer(
                        f"{action}: HTTP {response.status_code}, an answer over {MAX_ANSWER_BYTES:,} bytes "
                        f"from {self._host}",
                        status_code=response.status_code,
                    )
                if time.monotonic() > deadline:  # a session without BoundedAdapter gets this far
                    raise self._late(action)
                chunks.append(chunk)
        except (HTTPError, OSError) as exc:  # urllib3's read timeout, a reset, a cut or undecodable body
            if time.monotonic() >= deadline:  # BoundedAdapter ended the read at the deadline
                raise self._late(action) from None
            raise ProviderOutcomeUnknown(
                f"{action}: no answer from {self._host}: {self._scrub(str(exc))[:300]}"
            ) from None
        return b"".join(chunks)

    def _late(self, action: str) -> ProviderOutcomeUnknown:
        seconds = self.connect_timeout + self.read_timeout
        return ProviderOutcomeUnknown(
            f"{action}: the answer from {self._host} took over {seconds:g} s to arrive"
        )

    def _transport_error(
        self, action: str, exc: requests.RequestException, *, deadline: float, sent: bool
    ) -> ProviderError:
        cause = exc.args[0] if exc.args else exc
        reason = getattr(cause, "reason", cause)
        text = self._scrub(str(reason))[:300]
        # urllib3 reports a refused connection or a failed DNS lookup as a ConnectTimeoutError.
        # Once the request is written whole, no failure means "not sent": a TLS error reading the
        # answer is an SSLError like a failed handshake, and an `add` put back in the queue for it
        # would be bought twice.
        if not sent and (isinstance(exc, _UNSENT) or isinstance(reason, ConnectTimeoutError)):
            return ProviderUnreachable(f"{action}: could not connect to {self._host}: {text}")
        # A read timeout, a reset or a cut answer: the request may have been received and acted on.
        if isinstance(exc, requests.ReadTimeout) and time.monotonic() >= deadline:
            return self._late(action)  # the status line and headers were still arriving
        return ProviderOutcomeUnknown(f"{action}: no answer from {self._host}: {text}")

    def _parse(self, action: str, status_code: int, body: bytes) -> Any:
        # A rate limiter's 429 refuses the request whatever its body says (often an HTML page):
        # nothing was done, and the caller slows down (provider.calls).
        if status_code == 429:
            raise ProviderRefused(
                f"{action}: Too many requests (HTTP 429 from {self._host})",
                permanent=False,
                kind=RefusalKind.RATE_LIMIT,
            )
        # Providers send errors with HTTP 200 (some with 4xx), so only a 5xx is judged by status.
        if status_code >= 500:
            raise ProviderBadAnswer(
                f"{action}: HTTP {status_code} from {self._host}", status_code=status_code
            )
        text = body.decode("utf-8-sig", errors="replace")  # PHP panels sometimes prepend a BOM
        try:
            answer = json.loads(text, parse_float=Decimal)
        except ValueError:
            what = "an HTML page" if text.lstrip().startswith("<") else "broken or truncated JSON"
            raise ProviderBadAnswer(
                f"{action}: HTTP {status_code}, {what} ({len(body)} bytes)", status_code=status_code
            ) from None
        error = error_text(answer)
        if error is not None:
            raise ProviderRefused.from_text(self._scrub(error))
        return answer
