"""Every refusal text of orders.errors has a code and status of its own in the REST API (a new text
without one would fall to the generic `refused`), and every error, whatever raised it, is
`{"error": {"code", "message", ...}}`."""

import pytest

from orders import errors
from orders.errors import OrderRefused
from panel.rest.errors import refusal_status
from tests.rest.conftest import error_of


def refusal_texts() -> list[str]:
    texts = [value for name, value in vars(errors).items() if name.isupper() and isinstance(value, str)]
    return [
        *texts,
        errors.quantity_below(50),
        errors.quantity_above(10000),
        errors.bad_parameter("x", "y").message,
    ]


@pytest.mark.parametrize("text", refusal_texts())
def test_every_refusal_text_has_its_own_code(text):
    status, code = refusal_status(OrderRefused(text))
    assert code != "refused", text
    assert 400 <= status < 500


def test_codes_are_snake_case_and_tell_refusals_apart():
    codes = {refusal_status(OrderRefused(text))[1] for text in refusal_texts()}
    assert all(code.replace("_", "").isalpha() and code.islower() for code in codes)
    # Incorrect request texts share `invalid_parameter`; the others each have their own.
    assert len(codes) >= len(refusal_texts()) - 3


def test_a_method_an_endpoint_does_not_have_is_a_json_405(rest):
    response = rest("DELETE", "orders/")
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"


def test_an_unacceptable_accept_header_is_a_json_406(rest):
    response = rest("GET", "balance/", headers={"Accept": "text/html"})
    assert response.status_code == 406
    assert response.json()["error"]["code"] == "not_acceptable"
