from django.urls import path

from notifications import views

urlpatterns = [
    path("notifications/", views.preferences, name="account_notifications"),
]
