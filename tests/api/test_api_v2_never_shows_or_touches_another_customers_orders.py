"""Another customer's order or refill is, to the caller, one that does not exist: `status`, `refill`,
`refill_status` and `cancel` answer "Incorrect order ID" / "Refill not found", in both forms,
reveal nothing of it and change nothing."""

import pytest

from orders.models import Refill
from tests.api.conftest import VIAS
from tests.reseller_apis import money_state


@pytest.fixture
def theirs(completed_order, place_order, make_reseller, catalog):
    """Another reseller's completed order with a refill, and their queued (cancelable) order."""
    owner = make_reseller("1000")
    completed = completed_order(customer=owner.customer)
    refill = Refill.objects.create(order=completed)
    queued = place_order(customer=owner.customer)
    return completed, refill, queued


@pytest.mark.parametrize("via", VIAS)
def test_another_customers_ids_are_refused_in_every_action(via, api, reseller, theirs):
    completed, refill, queued = theirs
    key = reseller.key
    before = money_state()

    def call(**params):
        reply = api({"key": key, **params}, via)
        assert reply.status_code == 200
        return reply.json()

    for order in (completed, queued):
        assert call(action="status", order=order.pk) == {"error": "Incorrect order ID"}
        assert call(action="refill", order=order.pk) == {"error": "Incorrect order ID"}
    assert call(action="refill_status", refill=refill.pk) == {"error": "Refill not found"}

    both = f"{completed.pk},{queued.pk}"
    assert call(action="status", orders=both) == {
        str(completed.pk): {"error": "Incorrect order ID"},
        str(queued.pk): {"error": "Incorrect order ID"},
    }
    assert call(action="refill", orders=both) == [
        {"order": completed.pk, "refill": {"error": "Incorrect order ID"}},
        {"order": queued.pk, "refill": {"error": "Incorrect order ID"}},
    ]
    assert call(action="refill_status", refills=str(refill.pk)) == [
        {"refill": refill.pk, "status": {"error": "Refill not found"}}
    ]
    assert call(action="cancel", orders=both) == [
        {"order": completed.pk, "cancel": {"error": "Incorrect order ID"}},
        {"order": queued.pk, "cancel": {"error": "Incorrect order ID"}},
    ]
    assert money_state() == before


def test_the_owner_sees_what_the_stranger_cannot(api, theirs):
    """The same ids work for their owner: the refusals above are about ownership, not the ids."""
    from panel.apikeys import api_key_create

    completed, refill, queued = theirs
    _, key = api_key_create(customer=completed.customer)
    assert api({"key": key, "action": "status", "order": completed.pk}).json()["status"] == "Completed"
    assert api({"key": key, "action": "refill_status", "refill": refill.pk}).json() == {"status": "Pending"}
    assert api({"key": key, "action": "cancel", "orders": str(queued.pk)}).json() == [
        {"order": queued.pk, "cancel": 1}
    ]
