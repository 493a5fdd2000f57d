from django.urls import path

from panel.api import page, views

urlpatterns = [
    path("api/v2", views.api_v2, name="api_v2"),
    path("api/v2/", views.api_v2),
    path("api/v2/openapi.json", views.openapi_json, name="api_v2_openapi"),
    path("account/api/", page.api_page, name="account_api"),
]
