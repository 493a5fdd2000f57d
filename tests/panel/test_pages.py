import pytest

pytestmark = pytest.mark.django_db


def test_login_page_renders_with_a_csrf_token(client):
    response = client.get("/login/")
    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content


def test_dashboard_requires_login(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_customer_logs_in_with_e_mail_and_sees_the_dashboard(client, customer):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=customer, email=customer.email, verified=True, primary=True)
    response = client.post("/login/", {"login": "customer@example.com", "password": "correct-horse-42"})
    assert response.status_code == 302
    page = client.get("/dashboard/")
    assert page.status_code == 200
    assert b"customer@example.com" in page.content


def test_login_form_refuses_csrf_less_posts(customer):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/login/", {"login": "customer@example.com", "password": "correct-horse-42"})
    assert response.status_code == 403


def test_admin_is_served_to_staff(admin_client):
    assert admin_client.get("/admin/").status_code == 200


def test_responses_carry_a_request_id(client):
    assert client.get("/login/").has_header("X-Request-ID")
