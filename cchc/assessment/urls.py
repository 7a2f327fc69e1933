from django.urls import path

from cchc.assessment.views import appraisal, evidence, frameworks, results, rounds, self_assessment

app_name = "assessment"
urlpatterns = [
    path("", rounds.index, name="index"),
    path("cua-don-vi/", self_assessment.my_assessment, name="mine"),
    path("bo-tieu-chi/", frameworks.criteria_sets, name="criteria_sets"),
    path("bo-tieu-chi/nhap/", frameworks.criteria_set_import, name="criteria_set_import"),
    path("bo-tieu-chi/<int:pk>/", frameworks.criteria_set_detail, name="criteria_set"),
    path("bo-tieu-chi/<int:pk>/xuat.<str:file_format>", frameworks.criteria_set_export, name="criteria_set_export"),
    path("dot/them/", rounds.round_create, name="round_create"),
    path("dot/<int:pk>/", rounds.round_detail, name="round"),
    path("dot/<int:pk>/giai-doan/<int:phase_pk>/thoi-han/", rounds.phase_dates, name="phase_dates"),
    path("dot/<int:pk>/giai-doan/<int:phase_pk>/dong/", rounds.phase_close, name="phase_close"),
    path("dot/<int:pk>/giai-doan/<int:phase_pk>/mo-lai/", rounds.phase_reopen, name="phase_reopen"),
    path("dot/<int:pk>/don-vi/<int:entry_pk>/tra-lai/", rounds.round_unit_reopen, name="round_unit_reopen"),
    path("dot/<int:pk>/cong-bo/", rounds.publish, name="publish"),
    path("dot/<int:pk>/diem.xlsx", rounds.scores_export, name="scores_export"),
    path("dot/<int:pk>/nhap-diem/", rounds.scores_import, name="scores_import"),
    path("dot/<int:pk>/ket-qua/", results.ranking, name="results"),
    path("dot/<int:pk>/ket-qua/don-vi/<int:unit_pk>/", results.unit_results, name="unit_results"),
    path("dot/<int:pk>/ket-qua/ban-do-nhiet/", results.heatmap, name="heatmap"),
    path("dot/<int:pk>/ket-qua.xlsx", results.export, name="results_export"),
    path("dot/<int:pk>/quyet-dinh/", results.decision_document, name="decision"),
    path("tu-danh-gia/<int:pk>/", self_assessment.self_assessment, name="self_assessment"),
    path("tu-danh-gia/<int:pk>/tieu-chi/<int:criterion_pk>/", self_assessment.leaf_save, name="leaf_save"),
    path(
        "tu-danh-gia/<int:pk>/tieu-chi/<int:criterion_pk>/minh-chung/",
        self_assessment.leaf_evidence,
        name="leaf_evidence",
    ),
    path("tu-danh-gia/<int:pk>/minh-chung/<int:link_pk>/go/", self_assessment.evidence_unlink, name="evidence_unlink"),
    path("tu-danh-gia/<int:pk>/gui/", self_assessment.submit, name="submit"),
    path("tu-danh-gia/<int:pk>/cap-nhat-so-lieu/", self_assessment.refresh_measures, name="refresh_measures"),
    path("tham-dinh/<int:pk>/", appraisal.appraisal, name="appraisal"),
    path("tham-dinh/<int:pk>/tieu-chi/<int:criterion_pk>/", appraisal.appraise, name="appraise"),
    path(
        "tham-dinh/<int:pk>/tieu-chi/<int:criterion_pk>/yeu-cau/", appraisal.request_evidence, name="request_evidence"
    ),
    path("yeu-cau/<int:request_pk>/tra-loi/", appraisal.answer_request, name="answer_request"),
    path("minh-chung/", evidence.library, name="library"),
    path("minh-chung/<int:pk>/tai-ve/", evidence.download, name="evidence_download"),
    path("minh-chung/<int:pk>/xoa/", evidence.delete, name="evidence_delete"),
    path("don-vi/<int:unit_pk>/lich-su/", results.history, name="history"),
]
