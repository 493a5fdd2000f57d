from django.urls import path

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.price_list_page, name="price_list"),
]
