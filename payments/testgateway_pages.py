"""The test gateway's HTML pages (payments/testgateway_server.py): the pay page and the index.

Every value that came in a request (the reference, the description, the URLs) is escaped.
"""

from __future__ import annotations

import datetime
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from payments.testgateway_server import GatewayPayment, TestGatewayServer

_STYLE = """
body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f3f4f7;color:#1d2230}
header{background:#3b2f7a;color:#fff;padding:.8rem 1.5rem;font-weight:600}
header small{font-weight:400;opacity:.8;margin-left:.6rem}
main{max-width:56rem;margin:2rem auto;padding:0 1rem}
.card{background:#fff;border-radius:.6rem;box-shadow:0 1px 3px #0002;padding:1.5rem;margin-bottom:1rem}
.narrow{max-width:26rem;margin:2rem auto}
.amount{font-size:2.2rem;font-weight:700;margin:.3rem 0}
.muted{color:#5d6477;font-size:.9rem}
.row{display:flex;gap:.6rem;margin-top:1.2rem}
button{font:inherit;border:0;border-radius:.4rem;padding:.6rem 1.2rem;cursor:pointer}
.pay{background:#1f8a4c;color:#fff;flex:1}.fail{background:#b3261e;color:#fff}
.small{padding:.3rem .7rem;font-size:.85rem;background:#e4e6ee}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;padding:.45rem .5rem;border-bottom:1px solid #e4e6ee;vertical-align:top}
input{font:inherit;width:5rem;padding:.25rem .4rem}
.nowrap{white-space:nowrap}
.status{font-weight:600}.status-paid{color:#1f8a4c}.status-failed{color:#b3261e}
form{display:inline}
.banner{background:#fff4ce;border:1px solid #e8cf6a;border-radius:.4rem;padding:.5rem .8rem;font-size:.9rem}
"""


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)} · Test gateway</title><style>{_STYLE}</style></head><body>"
        "<header>Test gateway<small>no real money moves here</small></header>"
        f"<main>{body}</main></body></html>"
    )


def _money(amount: object, currency: str) -> str:
    return f"{escape(str(amount))} {escape(currency)}"


def pay_page(payment: GatewayPayment) -> str:
    what = escape(payment.description or "A payment")
    if payment.status != "open":
        body = (
            f"<div class='card narrow'><p class='muted'>{what}</p>"
            f"<p class='amount'>{_money(payment.amount, payment.currency)}</p>"
            f"<p>This payment is <strong>{escape(payment.status)}</strong>.</p>"
            f"<p><a href='{escape(payment.success_url)}'>Back to the shop</a></p></div>"
        )
        return _page("Payment", body)
    body = (
        "<div class='card narrow'>"
        "<p class='banner'>This is the panel's test gateway: paying here moves no real money.</p>"
        f"<p class='muted'>{what}</p>"
        f"<p class='amount' id='pay-amount'>{_money(payment.amount, payment.currency)}</p>"
        f"<p class='muted'>Payment {escape(payment.id)} · reference {escape(payment.reference)}</p>"
        f"<form method='post' action='/pay/{escape(payment.id)}' class='row'>"
        "<button class='pay' name='action' value='pay'>Pay</button>"
        "<button class='fail' name='action' value='fail'>Fail</button></form>"
        f"<p class='muted'><a href='{escape(payment.cancel_url)}'>Cancel and go back</a></p></div>"
    )
    return _page("Pay", body)


def _row(payment: GatewayPayment) -> str:
    created = datetime.datetime.fromtimestamp(payment.created, datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")
    left = payment.amount - payment.refunded
    actions = ""
    if payment.status == "paid":
        actions = (
            f"<form method='post' action='/payments/{escape(payment.id)}/refund'>"
            f"<input name='amount' value='{escape(str(left))}' aria-label='Refund amount'> "
            "<button class='small'>Refund</button></form> "
            f"<form method='post' action='/payments/{escape(payment.id)}/dispute'>"
            "<button class='small'>Dispute</button></form>"
        )
    callbacks = "<br>".join(
        f"{escape(d.type)}: {escape(d.answer or 'sending')} "
        f"<form method='post' action='/events/{escape(d.event_id)}/resend'>"
        "<button class='small'>Resend</button></form>"
        for d in payment.deliveries
    )
    taken = f"refunded {_money(payment.refunded, payment.currency)}" if payment.refunded else ""
    if payment.disputes:
        taken += (", " if taken else "") + f"{len(payment.disputes)} dispute(s)"
    return (
        f"<tr id='{escape(payment.id)}'>"
        f"<td>{created}<br><span class='muted'>{escape(payment.id)}</span></td>"
        f"<td>{escape(payment.reference)}</td>"
        f"<td class='nowrap'>{_money(payment.amount, payment.currency)}</td>"
        f"<td><span class='status status-{escape(payment.status)}'>{escape(payment.status)}</span>"
        f"<br><span class='muted'>{taken}</span></td>"
        f"<td>{callbacks}</td><td class='nowrap'>{actions}</td></tr>"
    )


def index_page(gateway: TestGatewayServer) -> str:
    with gateway.lock:
        payments = sorted(gateway.payments.values(), key=lambda p: p.created, reverse=True)
        rows = "".join(_row(payment) for payment in payments)
    table = (
        "<table><thead><tr><th>Created</th><th>Reference</th><th>Amount</th><th>Status</th>"
        f"<th>Callbacks</th><th></th></tr></thead><tbody>{rows}</tbody></table>"
        if rows
        else "<p class='muted'>No payments yet.</p>"
    )
    body = (
        "<div class='card'><h1>Payments</h1><p class='muted'>What the panel created here. Refund and "
        "Dispute send the panel the gateway's signed callback, as a real gateway would later.</p>"
        f"{table}</div>"
    )
    return _page("Payments", body)
