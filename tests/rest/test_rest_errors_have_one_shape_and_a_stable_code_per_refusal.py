"""Every refusal of orders.errors has a stable code of its own and a status in the REST API (a new
one without would fall to the generic 400), and every error, whatever raised it, is
`{"error": {"code", "message", ...}}`."""

import pytest

from catalog.models import ServiceType
from orders import errors
from orders.errors import OrderRefused
from orders.services.params import order_params_parse
from panel.rest.errors import REFUSAL_STATUS, refusal_status
from tests.rest.conftest import error_of


def refusals() -> list[OrderRefused]:
    """A refusal of each kind, as the order services raise it."""
    texts = [value for name, value in vars(errors).items() if name.isupper() and isinstance(value, str)]
    codes = {
        *errors.CODES.values(),
        errors.QUANTITY_BELOW_MINIMUM,
        errors.QUANTITY_ABOVE_MAXIMUM,
        errors.REFUSED,
    }
    made = [OrderRefused(text) for text in texts if text not in codes]
    return [*made, errors.bad_parameter("x", "y")]


@pytest.mark.parametrize("refused", refusals(), ids=lambda refused: refused.message[:40])
def test_every_refusal_has_its_own_code_and_a_client_error_status(refused):
    status, code = refusal_status(refused)
    assert code != errors.REFUSED, refused.message
    assert code in REFUSAL_STATUS and 400 <= status < 500


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("quantity", "code"), [("1", "quantity_below_minimum"), ("10000000", "quantity_above_maximum")]
)
def test_quantity_refusals_carry_their_code(catalog, quantity, code):
    service = catalog[ServiceType.DEFAULT]
    with pytest.raises(OrderRefused) as refused:
        order_params_parse(service=service, raw={"link": "https://instagram.com/p/x", "quantity": quantity})
    assert refusal_status(refused.value) == (400, code)


def test_codes_are_snake_case_and_tell_refusals_apart():
    codes = [refusal_status(refused)[1] for refused in refusals()]
    assert all(code.replace("_", "").isalpha() and code.islower() for code in codes)
    # "Incorrect request" and its detailed texts share `invalid_parameter`; the others each have their own.
    assert len(set(codes)) == len(codes) - 1
    assert set(REFUSAL_STATUS) == {
        *errors.CODES.values(),
        errors.QUANTITY_BELOW_MINIMUM,
        errors.QUANTITY_ABOVE_MAXIMUM,
    }


def test_a_method_an_endpoint_does_not_have_is_a_json_405(rest):
    response = rest("DELETE", "orders/")
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"


def test_an_unacceptable_accept_header_is_a_json_406(rest):
    response = rest("GET", "balance/", headers={"Accept": "text/html"})
    assert response.status_code == 406
    assert response.json()["error"]["code"] == "not_acceptable"
