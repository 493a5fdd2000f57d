"""The parameters of `add` for each service type (docs/api-v2.md, "add parameters by service type").

`order_params_parse` turns what a customer or reseller sent (strings from a form, a query
string or JSON) into the link, the units charged and the exact parameters to forward, or
refuses with the first problem it finds. The same rules serve the order form, API v2 and
the REST API.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from catalog.models import Service, ServiceType
from orders.errors import (
    BAD_LINK,
    QUANTITY_ABOVE_MAXIMUM,
    QUANTITY_BELOW_MINIMUM,
    OrderRefused,
    bad_parameter,
    quantity_above,
    quantity_below,
)

MAX_LINK_LENGTH = 2000
MAX_LIST_LINES = 10_000
MAX_RUNS = 1000
MAX_INTERVAL_MINUTES = 60 * 24 * 30
_validate_url = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class ParsedOrder:
    link: str
    # The units charged: quantity, quantity x runs, lines, or 1 for a package.
    units: int
    # What is sent to the provider's `add` besides `service`, in its own words.
    params: dict[str, Any]


def _text(raw: Mapping[str, Any], name: str) -> str | None:
    value = raw.get(name)
    if value is None:
        return None
    if isinstance(value, list | tuple):
        raise bad_parameter(name, "was given more than once")
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise bad_parameter(name, "must be text")
    text = str(value).strip()
    return text or None


def _whole(raw: Mapping[str, Any], name: str, *, low: int, high: int, required: bool = True) -> int | None:
    text = _text(raw, name)
    if text is None:
        if required:
            raise bad_parameter(name, "is required")
        return None
    if not re.fullmatch(r"\d{1,12}", text):
        raise bad_parameter(name, "must be a whole number")
    number = int(text)
    if not low <= number <= high:
        raise bad_parameter(name, f"must be from {low} to {high}")
    return number


def _lines(raw: Mapping[str, Any], name: str) -> list[str]:
    text = _text(raw, name)
    lines = [line.strip() for line in re.split(r"\r\n|\n|\r", text or "") if line.strip()]
    if not lines:
        raise bad_parameter(name, "are required, one per line" if name.endswith("s") else "is required")
    if len(lines) > MAX_LIST_LINES:
        raise bad_parameter(name, f"may have at most {MAX_LIST_LINES} lines")
    return lines


def _word(raw: Mapping[str, Any], name: str, *, required: bool = True, limit: int = 300) -> str | None:
    text = _text(raw, name)
    if text is None:
        if required:
            raise bad_parameter(name, "is required")
        return None
    if len(text) > limit:
        raise bad_parameter(name, f"may have at most {limit} characters")
    return text


def link_clean(link: str | None) -> str:
    """A link as orders keep it (stripped, an http(s) URL of at most MAX_LINK_LENGTH characters);
    OrderRefused(BAD_LINK) when it is not one. The blocklist (fraud) keeps its links this way too,
    so a rule's link and an order's compare as equal strings."""
    link = (link or "").strip()
    if not link or len(link) > MAX_LINK_LENGTH:
        raise OrderRefused(BAD_LINK, field="link")
    try:
        _validate_url(link)
    except ValidationError:
        raise OrderRefused(BAD_LINK, field="link") from None
    return link


def _link(raw: Mapping[str, Any]) -> str:
    return link_clean(_text(raw, "link"))


def _bounded(service: Service, count: int, field: str = "quantity") -> int:
    if count < service.min_quantity:
        raise OrderRefused(
            quantity_below(service.min_quantity),
            field=field,
            code=QUANTITY_BELOW_MINIMUM,
            plain=f"The minimum for this service is {service.min_quantity}.",
        )
    if count > service.max_quantity:
        raise OrderRefused(
            quantity_above(service.max_quantity),
            field=field,
            code=QUANTITY_ABOVE_MAXIMUM,
            plain=f"The maximum for this service is {service.max_quantity}.",
        )
    return count


def _quantity(raw: Mapping[str, Any], service: Service) -> int:
    text = _text(raw, "quantity")
    if text is None:
        raise bad_parameter("quantity", "is required")
    if not re.fullmatch(r"-?\d{1,12}", text):
        raise bad_parameter("quantity", "must be a whole number")
    return _bounded(service, int(text))


def _runs(raw: Mapping[str, Any], service: Service) -> tuple[int, dict[str, int]]:
    """Drip-feed: (runs, the params to forward). Without `runs`, one run and nothing to forward."""
    runs = _whole(raw, "runs", low=1, high=MAX_RUNS, required=False)
    interval = _whole(raw, "interval", low=1, high=MAX_INTERVAL_MINUTES, required=False)
    if runs is None and interval is None:
        return 1, {}
    if not service.offers_dripfeed:
        raise bad_parameter("runs", "is not available: this service has no drip-feed")
    if runs is None or interval is None:
        raise bad_parameter("runs" if runs is None else "interval", "is required with drip-feed")
    return runs, {"runs": runs, "interval": interval}


def _default(raw, service) -> ParsedOrder:
    link, quantity = _link(raw), _quantity(raw, service)
    runs, drip = _runs(raw, service)
    return ParsedOrder(link, quantity * runs, {"link": link, "quantity": quantity, **drip})


def _package(raw, service) -> ParsedOrder:
    link = _link(raw)
    return ParsedOrder(link, 1, {"link": link})


def _custom_comments(raw, service) -> ParsedOrder:
    link, comments = _link(raw), _lines(raw, "comments")
    return ParsedOrder(
        link, _bounded(service, len(comments), "comments"), {"link": link, "comments": "\n".join(comments)}
    )


def _custom_comments_package(raw, service) -> ParsedOrder:
    link, comments = _link(raw), _lines(raw, "comments")
    return ParsedOrder(link, 1, {"link": link, "comments": "\n".join(comments)})


def _quantity_and(*extra: tuple[str, str]):
    """A type charged by `quantity` that also needs the named lists ("lines") or words ("word")."""

    def parse(raw, service) -> ParsedOrder:
        link, quantity = _link(raw), _quantity(raw, service)
        params: dict[str, Any] = {"link": link, "quantity": quantity}
        for name, shape in extra:
            params[name] = "\n".join(_lines(raw, name)) if shape == "lines" else _word(raw, name)
        return ParsedOrder(link, quantity, params)

    return parse


def _mentions_custom_list(raw, service) -> ParsedOrder:
    link, usernames = _link(raw), _lines(raw, "usernames")
    return ParsedOrder(
        link,
        _bounded(service, len(usernames), "usernames"),
        {"link": link, "usernames": "\n".join(usernames)},
    )


def _comment_replies(raw, service) -> ParsedOrder:
    link, username, comments = _link(raw), _word(raw, "username"), _lines(raw, "comments")
    params = {"link": link, "username": username, "comments": "\n".join(comments)}
    return ParsedOrder(link, _bounded(service, len(comments), "comments"), params)


def _poll(raw, service) -> ParsedOrder:
    link, quantity = _link(raw), _quantity(raw, service)
    answer = _whole(raw, "answer_number", low=1, high=100)
    return ParsedOrder(link, quantity, {"link": link, "quantity": quantity, "answer_number": answer})


def _web_traffic(raw, service) -> ParsedOrder:
    parsed = _default(raw, service)
    params = dict(parsed.params)
    country = _word(raw, "country", required=False, limit=60)
    device = _whole(raw, "device", low=1, high=5, required=False)
    traffic = _whole(raw, "type_of_traffic", low=1, high=3, required=False)
    if country:
        params["country"] = country
    if device:
        params["device"] = device
    if traffic:
        params["type_of_traffic"] = traffic
    if traffic == 1:
        params["google_keyword"] = _word(raw, "google_keyword")
    if traffic == 2:
        referrer = _text(raw, "referring_url")
        try:
            _validate_url(referrer or "")
        except ValidationError:
            raise bad_parameter("referring_url", "must be an http(s) URL") from None
        params["referring_url"] = referrer
    return ParsedOrder(parsed.link, parsed.units, params)


def _subscriptions(raw, service) -> ParsedOrder:
    username = _word(raw, "username")
    low = _bounded(service, _whole(raw, "min", low=0, high=10**9), "min")
    high = _bounded(service, _whole(raw, "max", low=0, high=10**9), "max")
    if low > high:
        raise bad_parameter("min", "may not be more than max")
    posts = _whole(raw, "posts", low=1, high=10_000)
    params: dict[str, Any] = {"username": username, "min": low, "max": high, "posts": posts}
    old_posts = _whole(raw, "old_posts", low=0, high=10_000, required=False)
    delay = _whole(raw, "delay", low=0, high=60 * 24 * 30, required=False)
    expiry = _text(raw, "expiry")
    if old_posts is not None:
        params["old_posts"] = old_posts
    if delay is not None:
        params["delay"] = delay
    if expiry is not None:
        try:
            datetime.strptime(expiry, "%d/%m/%Y")
        except ValueError:
            raise bad_parameter("expiry", "must be a date as dd/mm/yyyy") from None
        params["expiry"] = expiry
    # Charged for the most it can owe: `max` on each of `posts` posts (docs/api-v2.md).
    return ParsedOrder("", high * posts, params)


_PARSERS = {
    ServiceType.DEFAULT: _default,
    ServiceType.PACKAGE: _package,
    ServiceType.CUSTOM_COMMENTS: _custom_comments,
    ServiceType.CUSTOM_COMMENTS_PACKAGE: _custom_comments_package,
    ServiceType.MENTIONS: _quantity_and(("usernames", "lines")),
    ServiceType.MENTIONS_WITH_HASHTAGS: _quantity_and(("usernames", "lines"), ("hashtags", "lines")),
    ServiceType.MENTIONS_CUSTOM_LIST: _mentions_custom_list,
    ServiceType.MENTIONS_HASHTAG: _quantity_and(("hashtag", "word")),
    ServiceType.MENTIONS_USER_FOLLOWERS: _quantity_and(("username", "word")),
    ServiceType.MENTIONS_MEDIA_LIKERS: _quantity_and(("media", "word")),
    ServiceType.COMMENT_LIKES: _quantity_and(("username", "word")),
    ServiceType.COMMENT_REPLIES: _comment_replies,
    ServiceType.POLL: _poll,
    ServiceType.INVITES_FROM_GROUPS: _quantity_and(("groups", "lines")),
    ServiceType.WEB_TRAFFIC: _web_traffic,
    ServiceType.SEO: _quantity_and(("keywords", "lines")),
    ServiceType.SUBSCRIPTIONS: _subscriptions,
}

# The fields each type's form shows, in order (the order form and the API docs read this).
FIELDS: dict[ServiceType, tuple[str, ...]] = {
    ServiceType.DEFAULT: ("link", "quantity", "runs", "interval"),
    ServiceType.PACKAGE: ("link",),
    ServiceType.CUSTOM_COMMENTS: ("link", "comments"),
    ServiceType.CUSTOM_COMMENTS_PACKAGE: ("link", "comments"),
    ServiceType.MENTIONS: ("link", "quantity", "usernames"),
    ServiceType.MENTIONS_WITH_HASHTAGS: ("link", "quantity", "usernames", "hashtags"),
    ServiceType.MENTIONS_CUSTOM_LIST: ("link", "usernames"),
    ServiceType.MENTIONS_HASHTAG: ("link", "quantity", "hashtag"),
    ServiceType.MENTIONS_USER_FOLLOWERS: ("link", "quantity", "username"),
    ServiceType.MENTIONS_MEDIA_LIKERS: ("link", "quantity", "media"),
    ServiceType.COMMENT_LIKES: ("link", "quantity", "username"),
    ServiceType.COMMENT_REPLIES: ("link", "username", "comments"),
    ServiceType.POLL: ("link", "quantity", "answer_number"),
    ServiceType.INVITES_FROM_GROUPS: ("link", "quantity", "groups"),
    ServiceType.WEB_TRAFFIC: (
        "link",
        "quantity",
        "runs",
        "interval",
        "country",
        "device",
        "type_of_traffic",
        "google_keyword",
        "referring_url",
    ),
    ServiceType.SEO: ("link", "quantity", "keywords"),
    ServiceType.SUBSCRIPTIONS: ("username", "min", "max", "posts", "old_posts", "delay", "expiry"),
}


# The parameters of FIELDS a customer may leave out (the parsers above decide what that means).
# The order form and API v2's definitions mark these, and only these, as optional.
OPTIONAL_FIELDS = frozenset(
    {"runs", "interval", "country", "device", "type_of_traffic", "google_keyword", "referring_url"}
    | {"old_posts", "delay", "expiry"}
)


def order_params_parse(*, service: Service, raw: Mapping[str, Any], strict: bool = False) -> ParsedOrder:
    """The link, units and provider parameters of an order for `service`, or OrderRefused.

    A parameter the service's type does not take is dropped, as HonestSMM's API v2 does; with
    `strict` (the REST API, whose bodies are typed) it is refused, naming it.
    """
    if strict:
        others = sorted(set(raw) - set(FIELDS[service.service_type]))
        if others:
            raise bad_parameter(others[0], f"is not a parameter of {service.type} services")
    return _PARSERS[service.service_type](raw, service)
