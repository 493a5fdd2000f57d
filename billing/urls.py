from django.urls import path
from django.views.generic import RedirectView

from billing import views

app_name = "billing"

urlpatterns = [
    # The old Add funds address (bookmarks, links in e-mails) leads to payments' page.
    path("funds/", RedirectView.as_view(pattern_name="payments:add", permanent=False), name="funds"),
    path("transactions/", views.transactions, name="transactions"),
]
