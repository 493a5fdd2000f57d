"""`manage.py poll_orders`: forwards cancels and refills, polls every active provider once, and says
what it did."""

from io import StringIO

from django.core.management import call_command

from orders.models import Order, Refill, Submission
from orders.services.cancels_refills import order_request_cancel, order_request_refill
from orders.services.polling import orders_poll
from provider.statuses import OrderStatus


def run() -> tuple[list[str], str]:
    out, err = StringIO(), StringIO()
    call_command("poll_orders", stdout=out, stderr=err)
    return out.getvalue().splitlines(), err.getvalue()


def test_a_round_forwards_polls_and_prints_its_counts(sent_order, make_customer, simulator, provider):
    customer = make_customer("1000")
    canceled, asking_to_cancel, refilled = (sent_order(customer=customer) for _ in range(3))
    simulator.force_status(refilled.provider_order_id, OrderStatus.COMPLETED)
    orders_poll(provider=provider)
    order_request_refill(customer=customer, order_id=refilled.pk)
    order_request_cancel(customer=customer, order_id=asking_to_cancel.pk)
    simulator.force_status(canceled.provider_order_id, OrderStatus.CANCELED)

    lines, err = run()

    assert lines == [
        "cancels forwarded: 1, refused: 0",
        "refills forwarded: 1, refused: 0",
        "Simulator: 2 orders, 1 calls (0 failed), 1 changed, 1 refunds, 0 flagged",
        "refills changed: 0",
    ]
    assert err == ""
    assert Order.objects.get(pk=canceled.pk).refunded == canceled.charge
    assert Refill.objects.get().submission == Submission.SENT


def test_a_failing_provider_is_counted_and_its_error_printed(sent_order, set_faults):
    sent_order()
    set_faults(http_500=1.0)

    lines, err = run()

    assert "Simulator: 1 orders, 1 calls (1 failed), 0 changed, 0 refunds, 0 flagged" in lines
    assert "Simulator: " in err and "HTTP 500" in err
