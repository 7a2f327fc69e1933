from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from cchc.accounts import views

app_name = "accounts"
urlpatterns = [
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "doi-mat-khau/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html", success_url=reverse_lazy("core:home")
        ),
        name="password_change",
    ),
    path("nguoi-dung/", views.people, name="people"),
    path("nguoi-dung/them/", views.person_create, name="person_create"),
    path("nguoi-dung/<int:pk>/", views.person, name="person"),
    path("phan-cong/<int:pk>/ket-thuc/", views.membership_end, name="membership_end"),
]
