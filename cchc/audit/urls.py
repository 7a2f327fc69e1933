from django.urls import path

from cchc.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:object_type>/<str:object_id>/", views.object_history, name="object"),
]
