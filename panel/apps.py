from django.apps import AppConfig


class PanelConfig(AppConfig):
    name = "panel"
    verbose_name = "Panel"

    def ready(self) -> None:
        from allauth.account.signals import password_reset
        from django.db.models.signals import post_delete, post_migrate, post_save

        from panel.models import ApiKey, User

        post_save.connect(_user_changed, sender=User, dispatch_uid="apikeys-user-saved")
        post_delete.connect(_user_changed, sender=User, dispatch_uid="apikeys-user-deleted")
        post_delete.connect(_key_deleted, sender=ApiKey, dispatch_uid="apikeys-key-deleted")
        password_reset.connect(_password_reset, dispatch_uid="sessions-password-reset")
        post_migrate.connect(_migrated, dispatch_uid="staff-roles-sync")


# An API key's cached owner (panel.apikeys) is dropped whenever the owner changes: deactivated,
# a new discount, deleted. A login's last_login is not a change the API cares about.
def _user_changed(sender, instance, update_fields=None, **kwargs) -> None:
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    from panel.apikeys import api_keys_forget_customer

    api_keys_forget_customer(instance.pk)


def _key_deleted(sender, instance, **kwargs) -> None:
    from panel.apikeys import api_keys_forget

    api_keys_forget([instance.digest])


# A reset is what someone does who lost their password, or control of the account: every session
# opened before it ends now. (Django's session hash would refuse them at their next request, but
# their rows would stay; a password *change* keeps the session that made it, the hash the others.)
def _password_reset(sender, request, user, **kwargs) -> None:
    from panel.sessions import user_sessions_end

    user_sessions_end(user_id=user.pk)


# After every migrate, the roles gain the permissions declared for them that a later app brought.
# post_migrate is sent once per app, in INSTALLED_APPS order, and each app's permissions are made at
# its own (apps without models get none): only at the last such app's are they all there.
def _migrated(sender, **kwargs) -> None:
    from django.apps import apps

    if sender is not [config for config in apps.get_app_configs() if config.models_module][-1]:
        return
    from django.contrib.auth.models import Group, Permission

    from panel.roles import staff_roles_sync

    staff_roles_sync(group_model=Group, permission_model=Permission)
