from django.urls import path

from cchc.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/tai-ve/", views.download, name="download"),
    path("<int:pk>/huy/", views.cancel, name="cancel"),
]
