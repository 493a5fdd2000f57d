from celery import shared_task

from provider.models import Provider
from provider.services import provider_check_balance


@shared_task(ignore_result=True)
def check_provider_balances() -> None:
    for provider_id in Provider.objects.filter(is_active=True).values_list("pk", flat=True):
        check_provider_balance.delay(provider_id)


@shared_task(ignore_result=True)
def check_provider_balance(provider_id: int) -> None:
    provider_check_balance(provider_id=provider_id)
