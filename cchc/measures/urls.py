from django.urls import path

from cchc.measures import entry_views, views

app_name = "measures"
urlpatterns = [
    path("", views.index, name="index"),
    path("chi-so/<str:code>/", views.detail, name="detail"),
    path("chi-so/<str:code>/xuat/", views.export, name="export"),
    path("the-diem/", views.unit_scorecard, name="scorecard"),
    path("the-diem/<int:unit_id>/", views.unit_scorecard, name="unit_scorecard"),
    path("nhap-so-lieu/", entry_views.entry, name="entry"),
    path("nhap-so-lieu/<str:code>/<str:period_key>/", entry_views.enter, name="enter"),
    path("so-lieu/<int:pk>/gui-duyet/", entry_views.submit, name="submit"),
    path("so-lieu/<int:pk>/minh-chung/", entry_views.evidence, name="evidence"),
    path("so-lieu/<int:pk>/duyet/", entry_views.decide, name="decide"),
    path("so-lieu/<int:pk>/mo-lai/", entry_views.reopen, name="reopen"),
    path("duyet/", entry_views.review, name="review"),
    path("duyet/nhieu/", entry_views.approve_selected, name="approve_selected"),
    path("chua-bao-cao/", entry_views.missing, name="missing"),
]
