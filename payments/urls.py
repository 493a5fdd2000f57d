from django.urls import path

from payments import views

app_name = "payments"

urlpatterns = [
    path("", views.payment_list, name="list"),
    path("add/", views.add_funds, name="add"),
    path("add/quote/", views.quote, name="quote"),
    path("<slug:code>/webhook/", views.webhook, name="webhook"),
    path("<int:pk>/back/", views.payment_back, name="back"),
    path("<int:pk>/canceled/", views.payment_canceled, name="canceled"),
]
