"""A provider call ends within PROVIDER_CONNECT_TIMEOUT + PROVIDER_READ_TIMEOUT; the sweeper takes an
order still `sending` after SENDING_TIMEOUT for lost. Celery stops a submit task before then whatever
holds it, and `manage.py check` refuses timeouts that would let that limit, not the call's own
timeouts, end an `add` the provider may have accepted."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from orders.checks import provider_calls_end_before_the_sweeper_gives_up
from orders.services.forwarding import SENDING_TIMEOUT
from orders.tasks import submit_order


def test_the_default_timeouts_pass():
    assert provider_calls_end_before_the_sweeper_gives_up() == []


def test_timeouts_as_long_as_the_sweepers_wait_are_refused(settings):
    settings.PROVIDER_CONNECT_TIMEOUT = Decimal("10")
    settings.PROVIDER_READ_TIMEOUT = Decimal("220")  # under the sweeper's 300 s, not the task's 230

    [error] = provider_calls_end_before_the_sweeper_gives_up()

    assert error.id == "orders.E001"
    assert "is 230 s; it must stay under 230 s" in error.msg
    with pytest.raises(SystemCheckError, match=r"orders\.E001"):
        call_command("check")


def test_the_submit_task_is_stopped_before_the_sweeper_calls_its_order_lost():
    # Whatever holds the call (a DNS lookup that hangs is bounded by no timeout of the client's).
    assert submit_order.soft_time_limit < submit_order.time_limit < SENDING_TIMEOUT.total_seconds()
