"""The simulator's services, and how `add` checks and prices an order of each API v2 service type."""

import random
import re
from dataclasses import dataclass, fields, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

AMOUNT = Decimal("0.00001")  # charges, refunds and balances travel with 5 decimal places


class SimError(Exception):
    """An API error, answered as `{"error": str(self)}` with HTTP 200."""


@dataclass(frozen=True)
class SimService:
    service_id: int
    name: str
    type: str
    category: str
    rate: Decimal  # per 1000 units; the price of one package for the package types
    min: int
    max: int
    refill: bool = False
    cancel: bool = False
    dripfeed: bool = False
    desc: str = ""
    # Units one package delivers (the package types): charged as one, delivered and counted in
    # `remains` as these, so a Partial package tells its undelivered share only by its `charge`.
    package_size: int = 1

    def to_api(self) -> dict[str, Any]:
        """The `services` entry: id a number, money and counts strings, flags booleans."""
        return {
            "service": self.service_id,
            "name": self.name,
            "type": self.type,
            "category": self.category,
            "rate": str(self.rate),
            "min": str(self.min),
            "max": str(self.max),
            "refill": self.refill,
            "cancel": self.cancel,
            "dripfeed": self.dripfeed,
            "desc": self.desc,
        }

    def changed(self, **changes: Any) -> "SimService":
        """A copy with `changes` applied, each converted to its field's type (for the control API)."""
        types = {f.name: f.type for f in fields(self)}
        unknown = set(changes) - set(types)
        if unknown:
            raise ValueError(f"unknown service fields: {sorted(unknown)}")
        converted: dict[str, Any] = {}
        for name, value in changes.items():
            kind = types[name]
            if kind is bool:
                converted[name] = value in (True, 1, "1", "true", "True")
            elif kind is Decimal:
                converted[name] = Decimal(str(value))
            else:
                converted[name] = kind(value)  # type: ignore[operator]
        return replace(self, **converted)


# How each type is ordered: (required parameters besides `service`, what is charged):
#   quantity: `quantity` (x `runs` with drip-feed); package: one package, whatever is asked;
#   a list parameter's name: its number of lines; subscription: `max` x `posts`.
TYPES: dict[str, tuple[tuple[str, ...], str]] = {
    "Default": (("link", "quantity"), "quantity"),
    "Package": (("link",), "package"),
    "Custom Comments": (("link", "comments"), "comments"),
    "Custom Comments Package": (("link", "comments"), "package"),
    "Mentions": (("link", "quantity", "usernames"), "quantity"),
    "Mentions with Hashtags": (("link", "quantity", "usernames", "hashtags"), "quantity"),
    "Mentions Custom List": (("link", "usernames"), "usernames"),
    "Mentions Hashtag": (("link", "quantity", "hashtag"), "quantity"),
    "Mentions User Followers": (("link", "quantity", "username"), "quantity"),
    "Mentions Media Likers": (("link", "quantity", "media"), "quantity"),
    "Comment Likes": (("link", "quantity", "username"), "quantity"),
    "Comment Replies": (("link", "username", "comments"), "comments"),
    "Poll": (("link", "quantity", "answer_number"), "quantity"),
    "Invites from Groups": (("link", "quantity", "groups"), "quantity"),
    "Web Traffic": (("link", "quantity"), "quantity"),
    "SEO": (("link", "quantity", "keywords"), "quantity"),
    "Subscriptions": (("username", "min", "max", "posts"), "subscription"),
}
LIST_PARAMS = frozenset({"comments", "usernames", "hashtags", "groups", "keywords"})

# (name, type, category, rate, min, max, flags): r = refill, c = cancel, d = drip-feed.
_CATALOG: tuple[tuple[str, str, str, str, int, int, str], ...] = (
    ("Instagram Followers [Refill 30 days]", "Default", "Instagram", "0.90", 50, 10000, "rcd"),
    ("Instagram Followers [No refill]", "Default", "Instagram", "0.45", 100, 50000, ""),
    ("Instagram Likes", "Default", "Instagram", "0.25", 10, 50000, "cd"),
    ("Instagram Followers Package 1000", "Package", "Instagram", "1.50", 1, 1, "r"),
    ("Instagram Custom Comments", "Custom Comments", "Instagram Comments", "8.00", 10, 1500, "c"),
    ("Instagram Comments Package 10", "Custom Comments Package", "Instagram Comments", "1.20", 1, 1, ""),
    ("Instagram Mentions", "Mentions", "Instagram Mentions", "2.00", 100, 20000, "c"),
    ("Instagram Mentions + Hashtags", "Mentions with Hashtags", "Instagram Mentions", "2.50", 100, 20000, ""),
    ("Instagram Mentions Custom List", "Mentions Custom List", "Instagram Mentions", "3.00", 10, 5000, ""),
    ("Instagram Mentions Hashtag", "Mentions Hashtag", "Instagram Mentions", "2.20", 100, 20000, "c"),
    ("Instagram Mentions Followers", "Mentions User Followers", "Instagram Mentions", "2.40", 100, 20000, ""),
    ("IG Mentions Media Likers", "Mentions Media Likers", "Instagram Mentions", "2.40", 100, 20000, ""),
    ("Instagram Comment Likes", "Comment Likes", "Instagram Comments", "1.10", 20, 10000, "rc"),
    ("YouTube Comment Replies", "Comment Replies", "YouTube", "9.00", 5, 1000, "c"),
    ("YouTube Views [Refill 90 days]", "Default", "YouTube", "1.80", 500, 1000000, "rd"),
    ("Twitter Poll Votes", "Poll", "Twitter", "1.60", 100, 50000, "c"),
    ("Telegram Members from Groups", "Invites from Groups", "Telegram", "3.20", 100, 30000, "rc"),
    ("Website Traffic [Worldwide]", "Web Traffic", "Website Traffic", "0.08", 1000, 1000000, "cd"),
    ("Google Keyword SEO Traffic", "SEO", "Website Traffic", "0.60", 500, 100000, ""),
    ("Instagram Auto Likes [Subscription]", "Subscriptions", "Instagram", "0.30", 50, 5000, "c"),
)


_PACKAGE_SIZES = {"Instagram Followers Package 1000": 1000, "Instagram Comments Package 10": 10}


def default_catalog(seed: int = 0) -> dict[int, SimService]:
    """About twenty services covering every type; `seed` moves the rates a little (0: as listed)."""
    rng = random.Random(f"{seed}:catalog")
    services = {}
    for service_id, (name, type_, category, rate, low, high, flags) in enumerate(_CATALOG, start=1):
        price = Decimal(rate)
        if seed:
            price = (price * Decimal(rng.randint(80, 120)) / 100).quantize(Decimal("0.0001"))
        services[service_id] = SimService(
            service_id=service_id,
            name=name,
            type=type_,
            category=category,
            rate=price,
            min=low,
            max=high,
            refill="r" in flags,
            cancel="c" in flags,
            dripfeed="d" in flags,
            desc=f"{name}. Starts within an hour. {'Refill guaranteed.' if 'r' in flags else 'No refill.'}",
            package_size=_PACKAGE_SIZES.get(name, 1),
        )
    return services


_URL = re.compile(r"^https?://[^\s/?#.]+(\.[^\s/?#.]+)+(:\d+)?([/?#]\S*)?$", re.IGNORECASE)


def lines(text: str) -> list[str]:
    """A list parameter's items: lines separated by \\n or \\r\\n, blanks dropped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _whole(params: dict[str, str], name: str) -> int:
    try:
        return int(params[name].strip())
    except (KeyError, ValueError):
        raise SimError("Incorrect request") from None


def _bounds(service: SimService, amount: int) -> None:
    if amount < service.min:
        raise SimError(f"Quantity less than minimal {service.min}")
    if amount > service.max:
        raise SimError(f"Quantity more than maximum {service.max}")


def price(service: SimService, params: dict[str, str]) -> tuple[int, Decimal]:
    """(units the order delivers, its charge) for an `add`, or SimError with the standard text.

    A package delivers 1 unit and costs `rate`; everything else costs `rate x units / 1000`.
    """
    if service.type not in TYPES:
        raise SimError("Incorrect service ID")
    required, charged = TYPES[service.type]
    if "link" in required and not _URL.match(params.get("link", "").strip()):
        raise SimError("Bad link")
    for name in required:
        value = params.get(name, "").strip()
        if not value or (name in LIST_PARAMS and not lines(value)):
            raise SimError("Incorrect request")
    runs = 1
    if "runs" in params or "interval" in params:
        # Drip-feed: `quantity` per run. Web Traffic takes runs whatever its drip-feed flag.
        if not (service.dripfeed or service.type == "Web Traffic"):
            raise SimError("Incorrect request")
        runs, interval = _whole(params, "runs"), _whole(params, "interval")
        if runs < 1 or interval < 1:
            raise SimError("Incorrect request")
    if charged == "package":
        return service.package_size, service.rate
    if charged == "quantity":
        quantity = _whole(params, "quantity")
        _bounds(service, quantity)
        units = quantity * runs
    elif charged == "subscription":
        low, high, posts = _whole(params, "min"), _whole(params, "max"), _whole(params, "posts")
        if low > high or posts < 1:
            raise SimError("Incorrect request")
        _bounds(service, low)
        _bounds(service, high)
        units = high * posts
    else:
        units = len(lines(params[charged]))
        _bounds(service, units)
    return units, (service.rate * units / 1000).quantize(AMOUNT, rounding=ROUND_HALF_UP)
