import pytest

from panel.models import User
from panel.services import admin_ensure

pytestmark = pytest.mark.django_db


def test_first_start_creates_an_admin_with_a_generated_password_it_remembers(tmp_path):
    account = admin_ensure(email="Boss@Example.com", password=None, remember_in=tmp_path / "pw")
    assert account.created and account.password
    user = User.objects.get(email="boss@example.com")
    assert user.is_superuser and user.check_password(account.password)
    again = admin_ensure(email="boss@example.com", password=None, remember_in=tmp_path / "pw")
    assert not again.created and again.password == account.password


def test_a_given_password_is_set(tmp_path):
    admin_ensure(email="boss@example.com", password=None, remember_in=tmp_path / "pw")
    account = admin_ensure(email="boss@example.com", password="s3cret-Passw0rd", remember_in=tmp_path / "pw")
    assert User.objects.get(email="boss@example.com").check_password("s3cret-Passw0rd")
    assert account.password == "s3cret-Passw0rd"


def test_a_changed_password_is_not_printed(tmp_path):
    admin_ensure(email="boss@example.com", password=None, remember_in=tmp_path / "pw")
    user = User.objects.get(email="boss@example.com")
    user.set_password("changed-by-the-admin-1")
    user.save()
    assert admin_ensure(email="boss@example.com", password=None, remember_in=tmp_path / "pw").password is None
