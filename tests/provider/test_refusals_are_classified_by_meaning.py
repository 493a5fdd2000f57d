import pytest

from provider.client import ProviderRefused
from provider.statuses import RefusalKind, classify_refusal

PERMANENT = [
    ("Incorrect service ID", RefusalKind.BAD_SERVICE),
    ("error.incorrect_service_id", RefusalKind.BAD_SERVICE),
    ("Service is disabled", RefusalKind.BAD_SERVICE),
    ("Bad link", RefusalKind.BAD_LINK),
    ("neworder.error.invalid_link", RefusalKind.BAD_LINK),
    ("Quantity less than minimal 50", RefusalKind.OUT_OF_BOUNDS),
    ("Quantity more than maximum 10000", RefusalKind.OUT_OF_BOUNDS),
    ("neworder.error.min_quantity", RefusalKind.OUT_OF_BOUNDS),
    ("neworder.error.max_quantity", RefusalKind.OUT_OF_BOUNDS),
    ("Incorrect request", RefusalKind.BAD_REQUEST),
    ("Refill is disabled for this service", RefusalKind.DISABLED),
    ("Cancel is disabled for this service", RefusalKind.DISABLED),
    ("Incorrect order ID", RefusalKind.NOT_FOUND),
    ("error.incorrect_order_id", RefusalKind.NOT_FOUND),
    ("Refill not found", RefusalKind.NOT_FOUND),
]
TRANSIENT = [
    ("Not enough funds on balance", RefusalKind.FUNDS),
    ("neworder.error.not_enough_funds", RefusalKind.FUNDS),
    ("NOT ENOUGH FUNDS", RefusalKind.FUNDS),
    (
        "You have active order with this link. Please wait until order being completed.",
        RefusalKind.DUPLICATE_LINK,
    ),
    ("neworder.error.link_duplicate", RefusalKind.DUPLICATE_LINK),
    ("Too many requests, please try again later", RefusalKind.RATE_LIMIT),
    ("Invalid API key", RefusalKind.BAD_KEY),
    ("The moon is in the wrong phase", RefusalKind.OTHER),
    ("", RefusalKind.OTHER),
]


@pytest.mark.parametrize(("text", "kind"), PERMANENT)
def test_errors_that_can_never_succeed_are_permanent(text: str, kind: RefusalKind) -> None:
    refused = ProviderRefused.from_text(text)
    assert (refused.kind, refused.permanent) == (kind, True)


@pytest.mark.parametrize(("text", "kind"), TRANSIENT)
def test_errors_that_may_pass_and_unrecognised_text_are_not_permanent(text: str, kind: RefusalKind) -> None:
    refused = ProviderRefused.from_text(text)
    assert (refused.kind, refused.permanent) == (kind, False)


def test_classification_ignores_case_and_punctuation() -> None:
    assert classify_refusal("INCORRECT-SERVICE-ID") == RefusalKind.BAD_SERVICE
    assert classify_refusal("quantity LESS than minimal 100!") == RefusalKind.OUT_OF_BOUNDS


def test_a_refusal_carries_its_message_and_says_what_it_is() -> None:
    refused = ProviderRefused.from_text("Bad link")
    assert str(refused) == refused.message == "Bad link"
    assert repr(refused) == "ProviderRefused('Bad link', permanent=True, kind='bad_link')"
    assert refused.outcome_unknown is False
