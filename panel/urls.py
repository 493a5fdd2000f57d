from allauth.account import views as account_views
from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from catalog import views as catalog_views
from panel import views

admin.site.site_header = "Reseller panel administration"
# Staff sign in on the site's own login page: Django's admin login would skip allauth's rate
# limits and the two-factor step of a staff member who turned it on.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="dashboard", permanent=False)),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    # API v2 (/api/v2, /api/v2/openapi.json) and the API page (/account/api/).
    path("", include("panel.api.urls")),
    # The REST API (/api/rest/), its OpenAPI schema and reference page.
    path("api/rest/", include("panel.rest.urls")),
    path("dashboard/", views.dashboard, name="dashboard"),
    # Short addresses for allauth's views; the rest of allauth lives under account/.
    path("login/", account_views.login, name="login"),
    path("logout/", account_views.logout, name="logout"),
    path("signup/", account_views.signup, name="signup"),
    path("account/", views.account, name="account"),
    path("account/sign-out-everywhere/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("account/", include("notifications.urls")),
    path("account/", include("allauth.urls")),
    path("orders/", include("orders.urls")),
    path("", include("billing.urls")),
    path("payments/", include("payments.urls")),
    path("services/", include("catalog.urls")),
    path("updates/", catalog_views.updates_page, name="updates"),
    path("support/", include("support.urls")),
    path("admin/dashboard/", admin.site.admin_view(views.admin_dashboard), name="admin_dashboard"),
    path("admin/", admin.site.urls),
]
