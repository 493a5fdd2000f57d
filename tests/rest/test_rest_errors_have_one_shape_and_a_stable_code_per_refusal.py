"""Every refusal of orders.errors has a stable code of its own and a status in the REST API (a new
one without would fall to the generic 400), and every error, whatever raised it, is
`{"error": {"code", "message", ...}}`: a path the API does not have too."""

import pytest

from fraud.services.blocklist import BLOCKED
from fraud.services.freezing import ACCOUNT_FROZEN_CODE
from orders import errors
from orders.errors import OrderRefused
from panel.rest.errors import REFUSAL_STATUS
from tests.rest.conftest import error_of


def refusals() -> list[OrderRefused]:
    """A refusal of each kind, as the order services raise it."""
    texts = [value for name, value in vars(errors).items() if name.isupper() and isinstance(value, str)]
    codes = {
        *errors.CODES.values(),
        errors.QUANTITY_BELOW_MINIMUM,
        errors.QUANTITY_ABOVE_MAXIMUM,
        errors.OUTSTANDING_DEBT,
        errors.REFUSED,
    }
    made = [OrderRefused(text) for text in texts if text not in codes]
    return [*made, errors.bad_parameter("x", "y")]


def test_every_refusal_has_a_code_of_its_own_with_a_client_error_status():
    codes = [refused.code for refused in refusals()]
    assert all(code.replace("_", "").isalpha() and code.islower() for code in codes)
    # "Incorrect request" and its detailed texts share `invalid_parameter`; the others each have their own.
    assert len(set(codes)) == len(codes) - 1
    # Codes raised with a text of their own (the quantity's bounds, the debt's amount).
    own_text = {errors.QUANTITY_BELOW_MINIMUM, errors.QUANTITY_ABOVE_MAXIMUM, errors.OUTSTANDING_DEBT}
    # Fraud controls' refusals (fraud.services): the blocklist's text names the kind of rule.
    own_text |= {BLOCKED, ACCOUNT_FROZEN_CODE}
    # Each code has its own line (no default): a new refusal without one fails here.
    assert set(REFUSAL_STATUS) == set(codes) | own_text and errors.REFUSED not in REFUSAL_STATUS
    assert all(400 <= REFUSAL_STATUS[code] < 500 for code in REFUSAL_STATUS)


def test_a_method_an_endpoint_does_not_have_is_a_json_405(rest):
    response = rest("DELETE", "orders/")
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"


def test_an_unacceptable_accept_header_is_a_json_406(rest):
    response = rest("GET", "balance/", headers={"Accept": "text/html"})
    assert response.status_code == 406
    assert response.json()["error"]["code"] == "not_acceptable"


def test_a_format_no_renderer_has_is_a_json_404(rest):
    # DRF's content negotiation raises Django's Http404 for it, with or without a key.
    for key in (..., None):  # the reseller's, and none
        response = rest("GET", "balance/", key=key, query={"format": "xml"})
        assert response.status_code == 404
        assert error_of(response) == {"code": "not_found", "message": "Not found."}


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "nothing-here/"),
        ("GET", ""),  # no index of resources
        ("GET", "orders/0.5/"),  # not an id: the router's pattern does not take it
        ("POST", "orders"),  # without its slash: no redirect that would lose the body
        ("DELETE", "balance/nothing/"),
    ],
)
def test_a_path_the_api_does_not_have_is_a_json_404_not_found(rest, method, path):
    for key in (..., None):  # the reseller's, and none
        response = rest(method, path, key=key)
        assert response.status_code == 404, path
        assert error_of(response) == {"code": "not_found", "message": "There is no such endpoint."}
