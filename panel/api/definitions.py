"""API v2 as data: every action, the forms it is called in, their parameters, example answers
and the error texts they can give (docs/api-v2.md).

This module is the one source of three things: the dispatcher (`panel.api.views`) finds actions,
chooses a form and knows which parameters may come as JSON arrays from here; the API page
(`panel.api.docs`) prints parameters, example requests and answers from here; and the OpenAPI
description (`panel.api.openapi`) is generated from here. It holds no logic and runs no query.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from billing.services import OutstandingDebt
from catalog.models import ServiceType
from orders import errors
from orders.services.params import FIELDS

# At most this many ids in `orders` / `refills` (the protocol's limit, and our client's chunk).
MAX_IDS = 100

# The texts only the front door gives; the others are orders.errors'.
INVALID_API_KEY = "Invalid API key"
TOO_MANY_REQUESTS = "Too many requests"
INCORRECT_REQUEST = errors.INCORRECT_REQUEST

# What example answers say the currency is; the page and the OpenAPI description put the
# panel's own (settings.PANEL_CURRENCY) in its place.
EXAMPLE_CURRENCY = "USD"


class Kind(StrEnum):
    """How a parameter's value is written. Every value may arrive as text (a query string or a form)."""

    TEXT = "text"
    NUMBER = "number"  # a whole number
    ID = "id"  # one positive whole number
    IDS = "ids"  # positive whole numbers separated by commas, at most MAX_IDS; a JSON array too
    LINES = "lines"  # one item per line (\n or \r\n); a JSON array of strings too
    LINK = "link"  # an http(s) URL

    @property
    def array_separator(self) -> str | None:
        """What joins the items when a JSON body gives this kind as an array; None: it may not."""
        return {Kind.IDS: ",", Kind.LINES: "\n"}.get(self)


@dataclass(frozen=True)
class Param:
    name: str
    kind: Kind
    description: str
    example: str
    required: bool = True

    def optional(self) -> Param:
        return Param(self.name, self.kind, self.description, self.example, required=False)


@dataclass(frozen=True)
class Form:
    """One way to call an action: its parameters (besides `key` and `action`) and what it answers.

    `selector` is the parameter whose presence picks this form among the action's forms (`order`
    or `orders`); None for an action with one form, or `add`, whose form is the service's type.
    """

    title: str
    params: tuple[Param, ...]
    answer: Any  # an example answer, JSON-ready
    answer_note: str = ""
    selector: str | None = None
    many: bool = False  # takes up to MAX_IDS ids and answers for each
    service_type: ServiceType | None = None

    @property
    def slug(self) -> str:
        return "".join(c if c.isalnum() else "_" for c in self.title.lower()).strip("_")


@dataclass(frozen=True)
class Action:
    name: str
    summary: str
    forms: tuple[Form, ...]
    errors: tuple[str, ...]

    def form_for(self, present: set[str]) -> Form | None:
        """The form the request's parameter names call; None when they call none or two.

        An action with one form (or `add`) always calls its first.
        """
        selectable = [form for form in self.forms if form.selector is not None]
        if not selectable:
            return self.forms[0]
        called = [form for form in selectable if form.selector in present]
        return called[0] if len(called) == 1 else None


# -- parameters ---------------------------------------------------------------------------------

KEY = Param("key", Kind.TEXT, "Your API key (the API page in your account makes one).", "YOUR_API_KEY")
ORDER = Param("order", Kind.ID, "An order ID, as add answered it.", "23501")
ORDERS = Param("orders", Kind.IDS, f"Order IDs separated by commas, at most {MAX_IDS}.", "23501,23502,1")
REFILL = Param("refill", Kind.ID, "A refill ID, as refill answered it.", "1")
REFILLS = Param("refills", Kind.IDS, f"Refill IDs separated by commas, at most {MAX_IDS}.", "1,2,3")
SERVICE = Param("service", Kind.ID, "The service ID, as services lists it.", "1")
IDEMPOTENCY_KEY = Param(
    "idempotency_key",
    Kind.TEXT,
    "Optional, up to 255 characters of your choosing, unique per order you mean to place. Sent "
    "again with the same parameters (a retry after a timeout), it answers with the first order "
    "and places nothing new; with other parameters it is refused. Kept at least 24 hours.",
    "7d3c1e9a-order-1841",
    required=False,
)

_LINK = Param("link", Kind.LINK, "The link to the page, post or profile.", "https://instagram.com/p/abc123")
_QUANTITY = Param("quantity", Kind.NUMBER, "How many, within the service's min and max.", "1000")

# Every parameter of `add` besides `service`, by name. Which of them a type takes (and in what
# order) is orders.services.params.FIELDS: the order form and this API read the same table.
ADD_PARAMS: dict[str, Param] = {
    param.name: param
    for param in (
        _LINK,
        _QUANTITY,
        Param("runs", Kind.NUMBER, "Drip-feed: how many runs; quantity is per run.", "5", False),
        Param("interval", Kind.NUMBER, "Drip-feed: minutes between runs.", "30", False),
        Param("comments", Kind.LINES, "The comments, one per line.", "Great post!\nLove it"),
        Param("usernames", Kind.LINES, "User names, one per line.", "alice\nbob"),
        Param("hashtags", Kind.LINES, "Hashtags, one per line.", "#summer\n#beach"),
        Param("hashtag", Kind.TEXT, "The hashtag.", "summer"),
        Param("username", Kind.TEXT, "The user name.", "alice"),
        Param("media", Kind.LINK, "The media whose likers are mentioned.", "https://instagram.com/p/xyz789"),
        Param("answer_number", Kind.NUMBER, "The number of the poll's answer to vote for.", "1"),
        Param("groups", Kind.LINES, "Groups to invite from, one per line.", "group_one\ngroup_two"),
        Param("country", Kind.TEXT, "Country of the traffic (a code or a name).", "US", False),
        Param(
            "device",
            Kind.NUMBER,
            "1 desktop, 2 Android, 3 iOS, 4 mixed mobile, 5 mixed.",
            "4",
            False,
        ),
        Param(
            "type_of_traffic",
            Kind.NUMBER,
            "1 Google keyword, 2 custom referrer, 3 blank.",
            "1",
            False,
        ),
        Param("google_keyword", Kind.TEXT, "With type_of_traffic 1: the keyword.", "buy shoes", False),
        Param(
            "referring_url", Kind.LINK, "With type_of_traffic 2: the referrer.", "https://example.com", False
        ),
        Param("keywords", Kind.LINES, "Keywords, one per line.", "shoes\nred shoes"),
        Param("min", Kind.NUMBER, "Subscriptions: the least per post.", "100"),
        Param("max", Kind.NUMBER, "Subscriptions: the most per post (you are charged max x posts).", "200"),
        Param("posts", Kind.NUMBER, "Subscriptions: how many new posts.", "10"),
        Param("old_posts", Kind.NUMBER, "Subscriptions: how many existing posts too.", "2", False),
        Param("delay", Kind.NUMBER, "Subscriptions: minutes to wait after a post.", "0", False),
        Param("expiry", Kind.TEXT, "Subscriptions: the last day, as dd/mm/yyyy.", "31/12/2030", False),
    )
}

_ADD_NOTES: dict[ServiceType, str] = {
    ServiceType.DEFAULT: "Charged for quantity, or quantity x runs with drip-feed.",
    ServiceType.PACKAGE: "Charged one package.",
    ServiceType.CUSTOM_COMMENTS: "Charged for the number of lines.",
    ServiceType.CUSTOM_COMMENTS_PACKAGE: "Charged one package.",
    ServiceType.MENTIONS_CUSTOM_LIST: "Charged for the number of lines.",
    ServiceType.COMMENT_REPLIES: "Charged for the number of lines.",
    ServiceType.WEB_TRAFFIC: "Charged for quantity (x runs).",
    ServiceType.SUBSCRIPTIONS: "Charged for max x posts, the most it can cost.",
}


def _add_form(service_type: ServiceType) -> Form:
    return Form(
        title=service_type.value,
        params=(SERVICE, *(ADD_PARAMS[name] for name in FIELDS[service_type]), IDEMPOTENCY_KEY),
        answer={"order": 23501},
        answer_note=_ADD_NOTES.get(service_type, "Charged for quantity."),
        service_type=service_type,
    )


def _status_answer(status: str, charge: str, start_count: str, remains: str) -> dict[str, str]:
    return {
        "charge": charge,
        "start_count": start_count,
        "status": status,
        "remains": remains,
        "currency": EXAMPLE_CURRENCY,
    }


_STATUS_NOTE = (
    "charge is what you paid in the end (less any refund), with 5 decimals. status is Pending "
    "(also while the order is not yet sent), In progress, Processing, Completed, Partial (the rest "
    "was refunded) or Canceled (refunded in full). remains is the quantity until it is known."
)

# -- the actions --------------------------------------------------------------------------------

ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        Action(
            "services",
            "The services you can order, at your prices.",
            (
                Form(
                    "Services",
                    (),
                    [
                        {
                            "service": 1,
                            "name": "Followers",
                            "type": "Default",
                            "category": "First Category",
                            "rate": "0.90",
                            "min": "50",
                            "max": "10000",
                            "refill": True,
                            "cancel": True,
                            "dripfeed": False,
                            "desc": "Real-looking followers, 30 days refill.",
                        },
                        {
                            "service": 2,
                            "name": "Comments",
                            "type": "Custom Comments",
                            "category": "Second Category",
                            "rate": "8",
                            "min": "10",
                            "max": "1500",
                            "refill": False,
                            "cancel": False,
                            "dripfeed": False,
                            "desc": "",
                        },
                    ],
                    "rate is the price per 1000, or of one package for the package types; min and max "
                    "bound quantity (or the number of lines).",
                ),
            ),
            (),
        ),
        Action(
            "add",
            "Place an order. Its parameters depend on the service's type (its type in services).",
            tuple(_add_form(service_type) for service_type in ServiceType),
            (
                errors.INCORRECT_SERVICE,
                errors.NOT_ENOUGH_FUNDS,
                str(OutstandingDebt(Decimal("12.50000"))),
                errors.quantity_below(50),
                errors.quantity_above(10000),
                errors.BAD_LINK,
                errors.ACTIVE_ORDER_WITH_LINK,
                f"{INCORRECT_REQUEST}: quantity must be a whole number",
                errors.IDEMPOTENCY_KEY_REUSED,
            ),
        ),
        Action(
            "status",
            "The status of one order, or of up to 100.",
            (
                Form(
                    "One order",
                    (ORDER,),
                    _status_answer("Partial", "0.27819", "3572", "157"),
                    _STATUS_NOTE,
                    selector="order",
                ),
                Form(
                    "Many orders",
                    (ORDERS,),
                    {
                        "23501": _status_answer("Partial", "0.27819", "3572", "157"),
                        "23502": _status_answer("In progress", "0.44000", "120", "400"),
                        "1": {"error": errors.INCORRECT_ORDER},
                    },
                    "Keyed by order ID; an ID that is not one of your orders gets an error in its place.",
                    selector="orders",
                    many=True,
                ),
            ),
            (errors.INCORRECT_ORDER,),
        ),
        Action(
            "refill",
            "Ask for a refill of a completed order (when its service has refill).",
            (
                Form("One order", (ORDER,), {"refill": 1}, "The refill's ID.", selector="order"),
                Form(
                    "Many orders",
                    (ORDERS,),
                    [
                        {"order": 23501, "refill": 1},
                        {"order": 23502, "refill": 2},
                        {"order": 1, "refill": {"error": errors.INCORRECT_ORDER}},
                    ],
                    "One entry per order, in the order asked.",
                    selector="orders",
                    many=True,
                ),
            ),
            (
                errors.INCORRECT_ORDER,
                errors.REFILL_DISABLED,
                "Only a completed order can be refilled",
                errors.REFILL_PERIOD_EXPIRED,
            ),
        ),
        Action(
            "refill_status",
            "The status of a refill: Pending, In progress, Completed or Rejected.",
            (
                Form("One refill", (REFILL,), {"status": "Completed"}, selector="refill"),
                Form(
                    "Many refills",
                    (REFILLS,),
                    [
                        {"refill": 1, "status": "Completed"},
                        {"refill": 2, "status": "Rejected"},
                        {"refill": 3, "status": {"error": errors.REFILL_NOT_FOUND}},
                    ],
                    "One entry per refill, in the order asked.",
                    selector="refills",
                    many=True,
                ),
            ),
            (errors.REFILL_NOT_FOUND,),
        ),
        Action(
            "cancel",
            "Ask to cancel orders (when their service has cancel). An order not yet sent is canceled "
            "and refunded at once; a sent one when the provider confirms (see status).",
            (
                Form(
                    "Orders",
                    (ORDERS,),
                    [
                        {"order": 23501, "cancel": 1},
                        {"order": 1, "cancel": {"error": errors.INCORRECT_ORDER}},
                    ],
                    "1 means the request was accepted.",
                    selector="orders",
                    many=True,
                ),
            ),
            (errors.INCORRECT_ORDER, errors.CANCEL_DISABLED),
        ),
        Action(
            "balance",
            "Your balance.",
            (Form("Balance", (), {"balance": "100.84292", "currency": EXAMPLE_CURRENCY}),),
            (),
        ),
    )
}

# Errors any call can give, whatever its action.
COMMON_ERRORS = (INVALID_API_KEY, INCORRECT_REQUEST, TOO_MANY_REQUESTS)

# The parameters a JSON body may give as an array, with what joins the items.
ARRAY_PARAMS: dict[str, str] = {
    param.name: param.kind.array_separator
    for action in ACTIONS.values()
    for form in action.forms
    for param in form.params
    if param.kind.array_separator is not None
}


def with_currency(answer: Any, currency: str) -> Any:
    """An example answer with the panel's currency in place of EXAMPLE_CURRENCY."""
    if isinstance(answer, Mapping):
        return {
            name: (currency if name == "currency" else with_currency(value, currency))
            for name, value in answer.items()
        }
    if isinstance(answer, list):
        return [with_currency(item, currency) for item in answer]
    return answer
