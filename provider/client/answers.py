"""API v2 answers as typed values. Every field may come as a number or a string; money is Decimal."""

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from provider.client.errors import ProviderBadAnswer
from provider.statuses import OrderStatus, RefillStatus, normalize_order_status, normalize_refill_status

T = TypeVar("T")

# Bounds of the numbers a provider sends, those of the columns they are stored in: one number past
# them would fail the write of everything read with it (a chunk of 100 statuses), again each round.
MAX_COUNT = 2**63 - 1  # a BigIntegerField: start_count, remains, the provider's order id
MAX_CHARGE = Decimal(10) ** 13 - Decimal("0.00001")  # an amount column (billing.money.MAX_AMOUNT)
MAX_RUNS = 2**31 - 1  # a PositiveIntegerField: Order.runs_done
MAX_REFILL_ID = 64  # characters of Refill.provider_refill_id
# Characters of a service's description kept: enough for any real one; a page stays readable.
MAX_DESCRIPTION = 5000

log = logging.getLogger("provider.client")


@dataclass(frozen=True)
class ProviderService:
    service_id: int
    name: str
    type: str
    category: str
    rate: Decimal  # price per 1000 units; of one package for the package types
    min: int
    max: int
    refill: bool
    cancel: bool
    dripfeed: bool
    description: str


@dataclass(frozen=True)
class UnreadableService:
    """An entry of a `services` answer that could not be read: its id when that could be."""

    service_id: int | None
    reason: str


class ServiceList(list[ProviderService]):
    """The services of a `services` answer, in its order, and the entries that could not be read."""

    def __init__(self, services=(), unreadable=()) -> None:
        super().__init__(services)
        self.unreadable: list[UnreadableService] = list(unreadable)


@dataclass(frozen=True)
class OrderStatusResult:
    """One order as the provider sees it. `status` None: unknown or unrecognised, never final."""

    status: OrderStatus | None
    raw_status: str
    charge: Decimal | None  # what the provider billed us, in `currency`
    start_count: int | None
    remains: int | None  # never negative: over-delivery reads as 0
    currency: str | None
    # Why the answer cannot be used, when a number in it is out of bounds, not finite, or a list
    # or an object (the order is flagged for an admin and nothing of the answer is applied).
    problem: str | None = None
    # Runs of a drip-feed order done so far, where the provider reports them (`runs` in `status`).
    runs_done: int | None = None


@dataclass(frozen=True)
class RefillStatusResult:
    """One refill. `status` None: unknown or unrecognised."""

    status: RefillStatus | None
    raw_status: str


@dataclass(frozen=True)
class Balance:
    amount: Decimal  # our balance at the provider, in `currency`
    currency: str


# Reading fields. A field that must be there raises ProviderBadAnswer; `lenient` reads one that may not.


def as_decimal(value: Any, field: str) -> Decimal:
    if not isinstance(value, bool) and isinstance(value, int | str | Decimal):
        try:
            number = Decimal(str(value).strip())
        except ArithmeticError:
            number = Decimal("NaN")
        if number.is_finite():
            return number
    raise ProviderBadAnswer(f"{field} is not a number: {str(value)[:40]!r}")


def as_int(value: Any, field: str) -> int:
    number = as_decimal(value, field)
    if number != number.to_integral_value():
        raise ProviderBadAnswer(f"{field} is not a whole number: {number}")
    return int(number)


def lenient(parse: Callable[[Any, str], T], value: Any, field: str) -> T | None:
    """`parse(value)`, or None when the value is missing, empty or unreadable (logged, not fatal)."""
    if as_text(value) is None or str(value).strip().lower() == "null":
        return None
    try:
        return parse(value, field)
    except ProviderBadAnswer as error:
        log.warning("provider answer: %s", error)
        return None


def as_bool(value: Any) -> bool:
    """true/false, 1/0, "1"/"0"; anything else is False, the safe reading of a flag."""
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes"}
    return isinstance(value, bool | int | Decimal) and bool(value)


def as_text(value: Any) -> str | None:
    return None if value is None or str(value).strip() == "" else str(value).strip()


def plain_text(value: Any, limit: int | None = None) -> str:
    """A text field as text: a string or a number; anything else (a list, an object, a flag) is
    "". NUL characters go: PostgreSQL cannot store them, and one would fail the whole write."""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal | float):
        return ""
    return str(value).replace("\x00", "")[:limit]


def field_of(answer: Any, name: str) -> Any:
    """`answer[name]` when the answer is an object, else None."""
    return answer.get(name) if isinstance(answer, dict) else None


def error_text(value: Any) -> str | None:
    """The text of `{"error": text}`, or None when `value` is not an error."""
    return str(value["error"]) if isinstance(value, dict) and value.get("error") else None


def entries(answer: Any, id_field: str, value_field: str | None) -> Iterator[tuple[str, Any]]:
    """(id, value) pairs of a many-form answer: an object keyed by id, or a list of objects that
    carry the id in `id_field`. The value is the entry's `value_field`, or the whole entry when
    that is None or the entry is a bare value or an error."""
    if isinstance(answer, dict):
        pairs: Iterable[tuple[Any, Any]] = answer.items()
    elif isinstance(answer, list):
        pairs = ((item[id_field], item) for item in answer if isinstance(item, dict) and id_field in item)
    else:
        raise ProviderBadAnswer("the answer is neither an object nor a list")
    for key, item in pairs:
        if value_field is not None and isinstance(item, dict) and value_field in item:
            item = item[value_field]
        yield str(key).strip(), item


def parse_service(item: Any) -> ProviderService:
    if not isinstance(item, dict):
        raise ProviderBadAnswer("a service is not an object")
    return ProviderService(
        service_id=as_int(item.get("service"), "service"),
        name=plain_text(item.get("name")),
        type=str(item.get("type") or "Default"),  # panels that leave it out sell link + quantity
        category=plain_text(item.get("category")),
        rate=as_decimal(item.get("rate"), "rate"),
        min=as_int(item.get("min"), "min"),
        max=as_int(item.get("max"), "max"),
        refill=as_bool(item.get("refill")),
        cancel=as_bool(item.get("cancel")),
        dripfeed=as_bool(item.get("dripfeed")),
        # Optional (docs/api-v2.md): one that is no text is left out, never a reason to refuse the entry.
        description=plain_text(item.get("desc") or item.get("description"), MAX_DESCRIPTION),
    )


def parse_services(items: list[Any]) -> ServiceList:
    """Every readable entry of a `services` answer; the others, with their ids where readable,
    in `unreadable` (one broken entry must not cost the provider's whole catalog)."""
    services, unreadable = [], []
    for item in items:
        try:
            services.append(parse_service(item))
        except ProviderBadAnswer as error:
            service_id = lenient(as_int, item.get("service"), "service") if isinstance(item, dict) else None
            unreadable.append(UnreadableService(service_id, str(error)))
    return ServiceList(services, unreadable)


def out_of_bounds(value: Any, field: str, low: Decimal | int, high: Decimal | int) -> str | None:
    """Why `value` cannot be stored as `field`: a list or an object, a number that is not finite or
    not within [low, high]. None when it can, or when it is text that is no number at all ("n/a"),
    which `lenient` reads as missing."""
    if isinstance(value, list | dict):
        return f"{field} is not a number: {str(value)[:40]!r}"
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError:
        return None
    if not number.is_finite() or not low <= number <= high:
        return f"{field} {str(value)[:40]!r} is out of bounds"
    return None


def parse_order_status(item: Any) -> OrderStatusResult:
    if not isinstance(item, dict):
        raise ProviderBadAnswer("an order status is not an object")
    raw = item.get("status")
    problems = [
        out_of_bounds(item.get("charge"), "charge", 0, MAX_CHARGE),
        out_of_bounds(item.get("start_count"), "start_count", 0, MAX_COUNT),
        out_of_bounds(item.get("remains"), "remains", -MAX_COUNT, MAX_COUNT),  # below 0: over-delivery
        out_of_bounds(item.get("runs"), "runs", 0, MAX_RUNS),
    ]
    problem = "; ".join(p for p in problems if p) or None
    if problem:
        log.warning("provider answer: %s", problem)
        return OrderStatusResult(None, str(raw)[:100], None, None, None, None, problem=problem)
    remains = lenient(as_int, item.get("remains"), "remains")
    return OrderStatusResult(
        status=normalize_order_status(raw),
        raw_status="" if raw is None else str(raw)[:100],
        charge=lenient(as_decimal, item.get("charge"), "charge"),
        start_count=lenient(as_int, item.get("start_count"), "start_count"),
        remains=None if remains is None else max(remains, 0),
        currency=as_text(item.get("currency")),
        runs_done=lenient(as_int, item.get("runs"), "runs"),
    )


def parse_refill_status(raw: Any) -> RefillStatusResult:
    return RefillStatusResult(status=normalize_refill_status(raw), raw_status="" if raw is None else str(raw))


def parse_refill_id(value: Any) -> str:
    if isinstance(value, bool | dict | list) or as_text(value) is None:
        raise ProviderBadAnswer("the answer has no refill id")
    if len(str(value).strip()) > MAX_REFILL_ID:
        raise ProviderBadAnswer(f"the refill id is longer than {MAX_REFILL_ID} characters")
    return str(value).strip()
