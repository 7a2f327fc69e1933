from django.urls import path

from cchc.surveys import public_views, questionnaire_views, unit_views, views

app_name = "surveys"
urlpatterns = [
    # Public and anonymous: the short link printed as a QR code, and the kiosk at the one-stop desk.
    path("r/<str:token>/", public_views.survey_form, name="public_form"),
    path("r/<str:token>/cam-on/", public_views.thanks, name="public_thanks"),
    path("k/<str:token>/", public_views.kiosk_form, name="kiosk_form"),
    path("k/<str:token>/cam-on/", public_views.kiosk_thanks, name="kiosk_thanks"),
    # The focal officer and superiors.
    path("", views.index, name="index"),
    path("dot/moi/", views.round_create, name="round_create"),
    path("dot/<int:pk>/", views.round_detail, name="round_detail"),
    path("dot/<int:pk>/sua/", views.round_edit, name="round_edit"),
    path("dot/<int:pk>/trang-thai/", views.round_status, name="round_status"),
    path("dot/<int:pk>/don-vi/", views.round_units, name="round_units"),
    path("dot/<int:pk>/nhap-phieu/", views.round_import, name="round_import"),
    path("dot/<int:pk>/xuat-phieu/", views.round_export_answers, name="round_export_answers"),
    path("dot/<int:pk>/xuat-ket-qua/", views.round_export_results, name="round_export_results"),
    path("don-vi/<int:pk>/", views.unit_results, name="unit_results"),
    path("don-vi/<int:pk>/thiet-lap/", unit_views.unit_manage, name="unit_manage"),
    path("don-vi/<int:pk>/ma-qr/", unit_views.unit_qr, name="unit_qr"),
    path("don-vi/<int:pk>/ma-qr.svg", unit_views.unit_qr_svg, name="unit_qr_svg"),
    path("don-vi/<int:pk>/ma-moi/", unit_views.unit_invitations, name="unit_invitations"),
    path("don-vi/<int:pk>/kiosk/", unit_views.unit_kiosk, name="unit_kiosk"),
    path("don-vi/<int:pk>/ra-soat/", unit_views.unit_review, name="unit_review"),
    path("phieu/<int:pk>/loai/", unit_views.response_exclude, name="response_exclude"),
    path("phieu/<int:pk>/giu-lai/", unit_views.response_restore, name="response_restore"),
    path("bo-cau-hoi/", questionnaire_views.questionnaires, name="questionnaires"),
    path("bo-cau-hoi/<int:pk>/", questionnaire_views.questionnaire_detail, name="questionnaire_detail"),
    path("bo-cau-hoi/<int:pk>/excel/", questionnaire_views.questionnaire_excel, name="questionnaire_excel"),
]
