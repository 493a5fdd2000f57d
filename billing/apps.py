from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"

    def ready(self) -> None:
        from django.conf import settings
        from django.db.models.signals import post_save

        # On the user model's save, not in each way of making an account (sign-up, the admin's
        # add form, createsuperuser, create_customer): none of them can forget it.
        post_save.connect(_user_saved, sender=settings.AUTH_USER_MODEL, dispatch_uid="billing-balance-opened")


def _user_saved(sender, instance, created: bool = False, raw: bool = False, **kwargs) -> None:
    # A fixture being loaded (raw) brings its own rows.
    if created and not raw:
        from billing.services import balance_get_or_create

        balance_get_or_create(customer_id=instance.pk)
