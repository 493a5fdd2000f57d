from django.urls import path

from webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.endpoint_add, name="add"),
    path("<int:pk>/", views.endpoint_page, name="endpoint"),
]
