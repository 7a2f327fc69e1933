from django.urls import path

from cchc.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/mo/", views.open_notification, name="open"),
    path("da-doc-het/", views.read_all, name="read_all"),
]
