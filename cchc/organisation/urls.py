from django.urls import path

from cchc.organisation import views

app_name = "organisation"
urlpatterns = [
    path("", views.index, name="index"),
    path("them/", views.edit, name="create"),
    path("nhap/", views.import_units, name="import"),
    path("xuat/", views.export_units, name="export"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sua/", views.edit, name="edit"),
]
