from django.urls import path

from cchc.remediation import views

app_name = "remediation"
urlpatterns = [
    path("", views.index, name="index"),
    path("dot/<int:round_pk>/don-vi/<int:unit_pk>/ke-hoach/", views.draft, name="draft"),
    path("dot/<int:round_pk>/don-vi/<int:unit_pk>/lo-trinh/", views.target, name="target"),
    path("dot/<int:round_pk>/don-vi/<int:unit_pk>/cong-suc/", views.efforts, name="efforts"),
    path("dot/<int:round_pk>/don-vi/<int:unit_pk>/gia-dinh/", views.what_if, name="what_if"),
    path("dot/<int:round_pk>/lap-tat-ca/", views.draft_all, name="draft_all"),
    path("ke-hoach/<int:plan_pk>/tai-ve/", views.export, name="export"),
]
