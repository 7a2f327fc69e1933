from django.urls import path

from cchc.dossiers import admin_views, import_views, views

app_name = "dossiers"
urlpatterns = [
    path("", views.index, name="index"),
    path("thu-tuc/", views.procedures, name="procedures"),
    path("xuat/<slug:table>/", views.export_table, name="export"),
    path("danh-sach/", views.dossier_list, name="list"),
    path("canh-bao/", views.warnings, name="warnings"),
    path("dinh-nghia/", views.definitions, name="definitions"),
    path("<int:pk>/", views.dossier_detail, name="detail"),
    path("nhap/", import_views.import_page, name="import"),
    path("api/day-ho-so/", import_views.push, name="push"),
    path("lich/", admin_views.calendar, name="calendar"),
    path("lich/<int:pk>/xoa/", admin_views.calendar_delete, name="calendar_delete"),
    path("lich/nap-lai/", admin_views.calendar_reseed, name="calendar_reseed"),
    path("quy-tac/", admin_views.rules, name="rules"),
    path("mau-tep/", admin_views.profiles, name="profiles"),
    path("mau-tep/them/", admin_views.profile_edit, name="profile_add"),
    path("mau-tep/<int:pk>/", admin_views.profile_edit, name="profile_edit"),
    path("mau-tep/<int:pk>/xoa/", admin_views.profile_delete, name="profile_delete"),
    path("ket-noi/", admin_views.clients, name="clients"),
    path("ket-noi/<int:pk>/bat-tat/", admin_views.client_toggle, name="client_toggle"),
]
