from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path("", views.order_list, name="list"),
    path("new/", views.order_new, name="new"),
    path("new/price/", views.order_price, name="price"),
    path("mass/", views.mass_order, name="mass"),
    path("live/", views.order_live, name="live"),
    path("refills/", views.refill_list, name="refills"),
    path("<int:pk>/", views.order_detail, name="detail"),
    path("<int:pk>/cancel/", views.order_cancel, name="cancel"),
    path("<int:pk>/refill/", views.order_refill, name="refill"),
]
