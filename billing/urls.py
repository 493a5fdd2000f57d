from django.urls import path

from billing import views

app_name = "billing"

urlpatterns = [
    path("funds/", views.add_funds, name="funds"),
    path("transactions/", views.transactions, name="transactions"),
]
