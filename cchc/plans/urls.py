from django.urls import path

from cchc.plans import import_views, report_views, task_views, views

app_name = "plans"
urlpatterns = [
    path("", views.index, name="index"),
    path("tao-moi/", views.create, name="create"),
    path("nhap-tu-tep/", import_views.import_plan, name="import"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sua/", views.edit, name="edit"),
    path("<int:pk>/noi-dung/", views.edit_contents, name="edit_contents"),
    path("<int:pk>/ban-hanh/", views.issue, name="issue"),
    path("<int:pk>/ket-thuc/", views.close, name="close"),
    path("<int:pk>/xoa/", views.delete, name="delete"),
    path("<int:pk>/lap-ke-hoach-thuc-hien/", views.implement, name="implement"),
    path("<int:pk>/tong-hop/", views.rollup_view, name="rollup"),
    path("<int:pk>/tai-ve/", views.export, name="export"),
    path("nhiem-vu/<int:pk>/", task_views.task_detail, name="task"),
    path("nhiem-vu/<int:pk>/tien-do/", task_views.add_progress, name="task_progress"),
    path("nhiem-vu/<int:pk>/phoi-hop/", task_views.add_contribution, name="task_contribution"),
    path("nhiem-vu/<int:pk>/phu-trach/", task_views.set_responsible, name="task_responsible"),
    path("minh-chung/<int:pk>/", task_views.evidence, name="evidence"),
    path("viec-cua-don-vi/", task_views.inbox, name="inbox"),
    path("den-han/", task_views.due, name="due"),
    path("bao-cao/", report_views.reports, name="reports"),
    path("bao-cao/du-thao/", report_views.report_draft, name="report_draft"),
    path("bao-cao/ghi-nhan/", report_views.record_report, name="report_record"),
    path("bao-cao/<int:pk>/van-ban/", report_views.report_document, name="report_document"),
    path("cau-hinh-nhac-viec/", report_views.reminder_settings, name="reminder_settings"),
]
