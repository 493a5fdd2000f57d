"""`provider_check_balance` keeps the provider's balance and e-mails the admins when it falls below
the threshold: once per crossing, not at every check while it stays low."""

from decimal import Decimal

import pytest
from django.core import mail

from provider.models import Provider
from provider.services import provider_check_balance
from provider.simulator import Faults
from provider.tasks import check_provider_balances


@pytest.fixture(autouse=True)
def admins(settings):
    settings.ADMINS = [("Ops", "ops@example.com")]


def check(provider: Provider) -> Decimal | None:
    result = provider_check_balance(provider_id=provider.pk)
    provider.refresh_from_db()
    return result


def test_the_balance_is_stored_with_the_time_it_was_read(provider_row, simulator):
    simulator.set_balance(Decimal("123.45678"))
    assert provider_row.balance is None and provider_row.balance_checked_at is None

    assert check(provider_row) == Decimal("123.45678")

    assert provider_row.balance == Decimal("123.45678")
    assert provider_row.balance_checked_at is not None
    assert not provider_row.low_balance_alerted and not provider_row.balance_is_low
    assert mail.outbox == []


def test_the_admins_are_told_once_per_crossing_below_the_threshold(provider_row, simulator):
    provider_row.low_balance_threshold = Decimal("10")
    provider_row.save()

    simulator.set_balance(Decimal("9.99999"))
    check(provider_row)
    assert provider_row.low_balance_alerted
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ops@example.com"]
    assert "Simulator" in message.subject and "9.99999" in message.subject
    assert "10" in message.body

    # Still low, even lower: no second e-mail.
    simulator.set_balance(Decimal("4"))
    check(provider_row)
    check(provider_row)
    assert len(mail.outbox) == 1 and provider_row.balance == Decimal("4")

    # Back above (the threshold itself is not low), then below again: a new crossing, a new e-mail.
    simulator.set_balance(Decimal("10"))
    check(provider_row)
    assert not provider_row.low_balance_alerted and len(mail.outbox) == 1
    simulator.set_balance(Decimal("2.5"))
    check(provider_row)
    assert provider_row.low_balance_alerted and len(mail.outbox) == 2
    assert "2.5" in mail.outbox[1].subject


@pytest.mark.parametrize("fault", ["http_500", "html", "truncated_json"])
def test_a_provider_that_gives_no_usable_answer_changes_nothing(provider_row, simulator, fault):
    simulator.set_balance(Decimal("1"))
    check(provider_row)
    before = Provider.objects.values().get(pk=provider_row.pk)
    simulator.set_balance(Decimal("500"))
    simulator.set_faults(Faults(**{fault: 1.0}))

    assert check(provider_row) is None

    assert Provider.objects.values().get(pk=provider_row.pk) == before
    assert len(mail.outbox) == 1


def test_an_unreachable_provider_changes_nothing(provider_row, closed_port):
    Provider.objects.filter(pk=provider_row.pk).update(api_url=f"http://127.0.0.1:{closed_port}/api/v2")
    before = Provider.objects.values().get(pk=provider_row.pk)

    assert check(provider_row) is None

    assert Provider.objects.values().get(pk=provider_row.pk) == before
    assert provider_row.balance is None and mail.outbox == []


def test_the_beat_task_checks_every_active_provider(provider_row, simulator, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True
    inactive = Provider.objects.create(
        name="Old", api_url=simulator.url, api_key=provider_row.api_key, is_active=False
    )
    simulator.set_balance(Decimal("3"))

    check_provider_balances.apply()

    provider_row.refresh_from_db()
    inactive.refresh_from_db()
    assert provider_row.balance == Decimal("3") and provider_row.low_balance_alerted
    assert inactive.balance is None
    assert len(mail.outbox) == 1
