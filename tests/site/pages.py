"""The pages of the customer site, for the tests that visit them all (login, CSP, phone width)."""

# Ours: each renders for a signed-in customer; each needs a login except PUBLIC_PAGES.
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
    "/updates/",
]

# Open to visitors too: the API documentation (only key management needs a login, in the view).
PUBLIC_PAGES = ["/account/api/"]
LOGIN_PAGES = [page for page in CUSTOMER_PAGES if page not in PUBLIC_PAGES]

# allauth's, in our templates.
ACCOUNT_PAGES = [
    "/account/password/change/",
    "/account/2fa/",
    "/account/email/",
]
