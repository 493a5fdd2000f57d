from django.urls import path

from payments import views

app_name = "payments"

urlpatterns = [
    path("<slug:code>/webhook/", views.webhook, name="webhook"),
    path("<int:pk>/back/", views.payment_back, name="back"),
    path("<int:pk>/canceled/", views.payment_canceled, name="canceled"),
]
