"""The staff roles Support, Finance, Operator and Owner (panel.roles), and the permission to manage
staff that only Owner holds."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from panel.roles import staff_roles_sync


def create_roles(apps, schema_editor):
    # Permissions are made by post_migrate, after every migration: make them now, for the groups.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    staff_roles_sync(group_model=apps.get_model("auth", "Group"), permission_model=apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("panel", "0007_user_named_customer"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        # The apps whose permissions the roles are given.
        ("billing", "0006_balances_for_existing_customers"),
        ("catalog", "0005_pricehistory_cause_and_changed_by"),
        ("orders", "0010_order_completed_at"),
        ("payments", "0005_check_schedule_interval_in_seconds"),
        ("provider", "0006_provider_honours_idempotency_keys"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="user",
            options={
                "ordering": ["email"],
                "permissions": [("manage_staff", "Can make staff and grant roles and permissions")],
                "verbose_name": "customer",
            },
        ),
        migrations.RunPython(create_roles, migrations.RunPython.noop),
    ]
