from celery import shared_task

from panel import health


@shared_task(ignore_result=True)
def heartbeat() -> None:
    """Scheduled by beat every 30 s: its timestamp proves both beat and a worker are alive."""
    health.heartbeat_record()
