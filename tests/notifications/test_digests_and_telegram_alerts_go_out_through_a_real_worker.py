"""End to end through a real Celery worker: an order completed by a poll round is e-mailed to its
customer by the task queued when the round ends, and a staff alert is posted to Telegram by the
task queued on commit."""

import os
import sys
from pathlib import Path

import pytest

from notifications.models import Notice
from notifications.services import staff_alert_send
from orders.services.polling import orders_poll
from provider.statuses import OrderStatus
from tests.conftest import child_environment
from tests.notifications.conftest import BOT_TOKEN
from tests.waiting import wait_for


@pytest.fixture
def worker(start_process, bot_api, tmp_path):
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    args = [
        sys.executable, "-m", "celery", "-A", "panel", "worker", "-c", "1", "-l", "INFO",
        "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"notify-{os.getpid()}@%h",
    ]  # fmt: skip
    env = child_environment(
        DJANGO_SETTINGS_MODULE="tests.notifications.worker_settings",
        NOTIFICATIONS_TEST_MAIL_DIR=str(mail_dir),
        TELEGRAM_BOT_TOKEN=BOT_TOKEN,
        TELEGRAM_CHAT_IDS="-1001",
        TELEGRAM_API_URL=bot_api.url,
    )
    start_process("worker", args, env).wait_for_output("ready.", timeout=90)
    return mail_dir


def _mails(mail_dir: Path) -> list[str]:
    return [path.read_text() for path in sorted(mail_dir.iterdir())]


@pytest.mark.django_db(transaction=True)
def test_a_completed_order_is_mailed_and_an_alert_posted_by_the_worker(
    worker, bot_api, settings, provider, simulator, sent_order, make_customer, wants
):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # through the broker, to the worker
    customer = make_customer("1000")
    wants(customer, completed=True)
    order = sent_order(customer)
    simulator.force_status(order.provider_order_id, OrderStatus.COMPLETED, remains=0)

    orders_poll(provider=provider)  # commits each chunk; queues the sender when the round is over

    wait_for(lambda: any(customer.email in text for text in _mails(worker)), what="the worker's digest")
    (text,) = _mails(worker)
    assert f"Subject: [Reseller Panel] Order #{order.pk}: Completed" in text
    assert f"#{order.pk} " in text and order.link in text
    assert Notice.objects.get(customer=customer).sent_at is not None

    staff_alert_send(subject="Orders need attention", text="Order 1 is unknown")  # no transaction: queued now

    wait_for(lambda: len(bot_api.messages) == 1, what="the worker's Telegram post")
    (sent,) = bot_api.messages
    assert (sent.token, sent.params["chat_id"]) == (BOT_TOKEN, "-1001")
    assert sent.params["text"] == "Orders need attention\n\nOrder 1 is unknown"
