"""A balance of 0 for every account made before balances were opened with the account."""

from django.conf import settings
from django.db import migrations


def open_missing_balances(apps, schema_editor):
    balance = apps.get_model("billing", "Balance")._meta.db_table
    user = apps.get_model(settings.AUTH_USER_MODEL)._meta.db_table
    quote = schema_editor.quote_name
    # One statement however many accounts; a row already there (a deposit made one) is kept.
    schema_editor.execute(
        f"INSERT INTO {quote(balance)} (customer_id, amount, debt, updated_at) "  # noqa: S608
        f"SELECT id, 0, 0, now() FROM {quote(user)} ON CONFLICT (customer_id) DO NOTHING"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0005_balance_write_off_permission"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(open_missing_balances, migrations.RunPython.noop)]
