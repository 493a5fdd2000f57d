"""Staff read each customer's choice and the notices sent to them in the admin; none is added or
edited there (the services write them)."""

from decimal import Decimal

from notifications.models import Notice, NoticeKind


def test_staff_list_and_search_choices_and_notices_read_only(client, admin_user, make_customer, wants):
    customer = make_customer()
    wants(customer, completed=True, below=Decimal("5"))
    notice = Notice.objects.create(customer=customer, kind=NoticeKind.BALANCE_LOW, amount=Decimal("4"))
    client.force_login(admin_user)

    choices = client.get("/admin/notifications/preferences/", {"q": customer.email})
    assert choices.status_code == 200 and customer.email in choices.content.decode()
    notices = client.get("/admin/notifications/notice/", {"kind__exact": NoticeKind.BALANCE_LOW})
    assert notices.status_code == 200 and "Balance low" in notices.content.decode()

    assert client.get("/admin/notifications/notice/add/").status_code == 403
    page = client.get(f"/admin/notifications/notice/{notice.pk}/change/")
    assert page.status_code == 200 and 'name="kind"' not in page.content.decode()
    client.post(f"/admin/notifications/notice/{notice.pk}/change/", {"kind": NoticeKind.ORDER_COMPLETED})
    notice.refresh_from_db()
    assert notice.kind == NoticeKind.BALANCE_LOW
