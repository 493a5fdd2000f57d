from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from panel.rest import views
from support.api import TicketViewSet
from webhooks.api import WebhookEndpointViewSet

app_name = "rest"

router = SimpleRouter()
router.register("services", views.ServiceViewSet, basename="service")
router.register("orders", views.OrderViewSet, basename="order")
router.register("refills", views.RefillViewSet, basename="refill")
router.register("transactions", views.TransactionViewSet, basename="transaction")
router.register("payments", views.PaymentViewSet, basename="payment")
router.register("webhooks", WebhookEndpointViewSet, basename="webhook")
router.register("tickets", TicketViewSet, basename="ticket")

urlpatterns = [
    path("", include(router.urls)),
    path("balance/", views.BalanceView.as_view(), name="balance"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(url_name="rest:schema"), name="docs"),
    # Last: whatever else is asked under /api/rest/ gets a 404 in the API's shape.
    re_path(r"", views.not_found),
]
