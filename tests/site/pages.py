"""The pages of the customer site, for the tests that visit them all (login, CSP, phone width)."""

# Ours: each needs a login.
CUSTOMER_PAGES = [
    "/dashboard/",
    "/orders/",
    "/orders/new/",
    "/orders/mass/",
    "/orders/refills/",
    "/payments/add/",
    "/payments/",
    "/transactions/",
    "/account/",
    "/account/api/",
]

# allauth's, in our templates.
ACCOUNT_PAGES = [
    "/account/password/change/",
    "/account/2fa/",
    "/account/email/",
]
