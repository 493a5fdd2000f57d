from django.urls import include, path

from panel.api import page, views

# Also in panel.wsgi, which gives these paths (and only these) a lean middleware stack.
API_V2_PATHS = ("/api/v2", "/api/v2/")

urlpatterns = [
    path(API_V2_PATHS[0][1:], views.api_v2, name="api_v2"),
    path(API_V2_PATHS[1][1:], views.api_v2),
    path("api/v2/openapi.json", views.openapi_json, name="api_v2_openapi"),
    path("account/api/", page.api_page, name="account_api"),
    path("account/api/webhooks/", include("webhooks.urls")),
]
