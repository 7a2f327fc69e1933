"""The screens: dashboard (query count pinned), drill-down lists, exports, warnings, administration, upload."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from cchc.dossiers.kpis import kpis
from cchc.dossiers.models import CalendarDay, Dossier, DossierSettings, SavedImportProfile
from cchc.dossiers.screens import FIGURES
from cchc.dossiers.tests.factories import random_records, record, save
from cchc.jobs.models import Job
from cchc.jobs.runner import run_pending
from cchc.measures.services import sync_definitions
from cchc.testing import make_unit

pytestmark = pytest.mark.django_db

PERIOD = {"period": "2024-Q1", "as_of": "2024-03-20"}


@pytest.fixture
def register(world):  # type: ignore[no-untyped-def]
    records = random_records(11, 150, ["X01", "X02", "SNV"])
    save(records)
    return records


def _sheet(content: bytes) -> list[list[Any]]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def test_the_dashboard_shows_the_figures_of_the_unit_subtree_and_period(client, world, register):
    client.force_login(world.appraiser)
    response = client.get(reverse("dossiers:index"), {"unit": world.province.pk, **PERIOD})
    assert response.status_code == 200
    expected = kpis(world.province, date(2024, 1, 1), date(2024, 3, 31), date(2024, 3, 20))[0].counts
    assert response.context["overview"].counts == expected
    content = response.content.decode()
    assert "Theo đơn vị trực thuộc" in content and 'id="trend-data"' in content
    assert "<script>" not in content and "style=" not in content


def test_the_dashboard_makes_the_same_number_of_queries_however_many_units_and_dossiers(
    client, world, register, django_assert_num_queries
):
    sync_definitions()
    client.force_login(world.appraiser)
    url = reverse("dossiers:index")
    params = {"unit": world.province.pk, **PERIOD}
    client.get(url, params)  # warm the session and the calendar
    with django_assert_num_queries(24) as captured:
        client.get(url, params)
    for index in range(6):
        make_unit(f"Xã thêm {index}", "xa", parent=world.province, code=f"X9{index}")
    save(random_records(12, 150, ["X90", "X91", "X92", "X93", "X94", "X95"]))
    with django_assert_num_queries(len(captured.captured_queries)):
        client.get(url, params)


@pytest.mark.parametrize("figure", sorted(set(FIGURES) - {"due_soon", "overdue_no_apology", "late_apology"}))
def test_each_figure_drills_down_to_exactly_the_dossiers_it_counts(client, world, register, figure):
    client.force_login(world.appraiser)
    response = client.get(reverse("dossiers:list"), {"unit": world.province.pk, "figure": figure, **PERIOD})
    counts = kpis(world.province, date(2024, 1, 1), date(2024, 3, 31), date(2024, 3, 20))[0].counts
    expected = {"late_or_overdue": counts.late + counts.overdue}.get(figure, getattr(counts, figure, None))
    assert response.context["page_obj"].paginator.count == expected


def test_a_field_row_drills_down_to_its_dossiers(client, world, register):
    client.force_login(world.appraiser)
    (group, *_rest) = kpis(world.province, date(2024, 1, 1), date(2024, 3, 31), date(2024, 3, 20), by=["field"])
    response = client.get(
        reverse("dossiers:list"), {"unit": world.province.pk, "figure": "received", "field": group.field_id, **PERIOD}
    )
    assert response.context["page_obj"].paginator.count == group.counts.received


@pytest.mark.parametrize("table", ["don-vi", "linh-vuc", "thu-tuc", "thang"])
def test_every_dashboard_table_exports_to_excel(client, world, register, table):
    client.force_login(world.appraiser)
    response = client.get(reverse("dossiers:export", args=[table]), {"unit": world.province.pk, **PERIOD})
    assert response.status_code == 200
    rows = _sheet(response.content)
    assert "Tiếp nhận" in rows[0] and len(rows) > 1


def test_the_drill_down_list_exports_its_dossiers_to_excel(client, world, register):
    client.force_login(world.appraiser)
    params = {"unit": world.province.pk, "figure": "late", "export": "1", **PERIOD}
    rows = _sheet(client.get(reverse("dossiers:list"), params).content)
    counts = kpis(world.province, date(2024, 1, 1), date(2024, 3, 31), date(2024, 3, 20))[0].counts
    assert rows[0][0] == "Mã hồ sơ" and len(rows) - 1 == counts.late


def test_the_procedure_page_lists_each_procedure_and_filters_by_field(client, world, register):
    client.force_login(world.appraiser)
    response = client.get(reverse("dossiers:procedures"), {"unit": world.province.pk, **PERIOD})
    codes = {group.labels["procedure_code"] for group in response.context["groups"]}
    assert codes == {"1.001", "1.002", "2.001", "3.001"}


def test_early_warnings_list_dossiers_due_soon_overdue_without_apology_and_apologised_late(client, world):
    today = timezone.localdate()
    now = datetime.combine(today, datetime.min.time())
    save(
        [
            record("DUE-SOON", now - timedelta(days=2), now + timedelta(days=1)),
            record("OVERDUE", now - timedelta(days=20), now - timedelta(days=10)),
            record(
                "APOLOGISED", now - timedelta(days=20), now - timedelta(days=10), apology_date=today - timedelta(days=9)
            ),
        ]
    )
    client.force_login(world.officer)
    sections = {section["figure"]: section for section in client.get(reverse("dossiers:warnings")).context["sections"]}
    assert [dossier.code for dossier in sections["due_soon"]["dossiers"]] == ["DUE-SOON"]
    assert [dossier.code for dossier in sections["overdue_no_apology"]["dossiers"]] == ["OVERDUE"]
    assert [dossier.code for dossier in sections["late_apology"]["dossiers"]] == ["APOLOGISED"]


def test_the_dossier_page_explains_its_facts(client, world):
    save(
        [
            record(
                "A",
                datetime(2024, 4, 1, 8),
                datetime(2024, 4, 8, 16),
                datetime(2024, 4, 10, 9),
                apology_date=date(2024, 4, 6),
            )
        ]
    )
    client.force_login(world.officer)
    content = client.get(reverse("dossiers:detail", args=[Dossier.objects.get().pk])).content.decode()
    assert "Trễ hạn" in content and "muộn" in content and "7 ngày làm việc" in content


def test_the_definitions_page_documents_the_rules_and_current_thresholds(client, world):
    DossierSettings.objects.create(max_supplement_requests_before_late=2)
    client.force_login(world.officer)
    content = client.get(reverse("dossiers:definitions")).content.decode()
    assert "nhiều hơn 2 lần yêu cầu bổ sung" in content and "ngày làm việc" in content and "766" in content


def test_an_added_day_off_is_queued_for_recomputation_and_changes_working_days(client, world):
    save([record("A", datetime(2024, 4, 8, 8), datetime(2024, 4, 12, 16), datetime(2024, 4, 12, 9))])
    assert Dossier.objects.get().processing_working_days == 4
    client.force_login(world.admin)
    response = client.post(reverse("dossiers:calendar"), {"day": "2024-04-10", "kind": "day_off", "name": "Nghỉ bù"})
    assert response.status_code == 302
    assert DossierSettings.current().facts_stale_since is not None
    assert run_pending() == 1
    assert Dossier.objects.get().processing_working_days == 3
    assert DossierSettings.current().facts_stale_since is None
    day = CalendarDay.objects.get(day=date(2024, 4, 10))
    client.post(reverse("dossiers:calendar_delete", args=[day.pk]))
    run_pending()
    assert Dossier.objects.get().processing_working_days == 4


def test_a_saturday_declared_a_working_day_counts_and_a_weekday_cannot_be_one(client, world):
    save([record("A", datetime(2024, 4, 12, 8), datetime(2024, 4, 16, 16), datetime(2024, 4, 15, 9))])
    client.force_login(world.admin)
    client.post(reverse("dossiers:calendar"), {"day": "2024-04-13", "kind": "working_day", "name": "Làm bù"})
    run_pending()
    assert Dossier.objects.get().processing_working_days == 2
    response = client.post(reverse("dossiers:calendar"), {"day": "2024-04-17", "kind": "working_day", "name": ""})
    assert response.status_code == 200 and "thứ Bảy hoặc Chủ nhật" in response.content.decode()


def test_changing_the_supplement_rule_recomputes_every_dossier(client, world):
    save(
        [record("A", datetime(2024, 4, 1, 8), datetime(2024, 4, 5, 16), datetime(2024, 4, 3, 9), supplement_requests=2)]
    )
    assert Dossier.objects.get().outcome == "late"
    client.force_login(world.admin)
    settings_row = DossierSettings.current()
    response = client.post(
        reverse("dossiers:rules"),
        {
            "max_supplement_requests_before_late": 2,
            "apology_working_days_before_due": 1,
            "warning_working_days": 3,
            "formula_766": '{"groups": {}}',
        },
    )
    assert response.status_code == 302, response.content.decode()
    run_pending()
    assert Dossier.objects.get().outcome == "early"
    settings_row.refresh_from_db()
    assert settings_row.formula_766 == {"groups": {}}
    counts = kpis(None, date(2024, 4, 1), date(2024, 4, 30), date(2025, 1, 1))[0].counts
    assert (counts.early, counts.late) == (1, 0)


def test_an_administrator_saves_an_import_profile_and_creates_a_connection_whose_token_is_shown_once(client, world):
    client.force_login(world.admin)
    data = {
        "name": "mot-cua-moi",
        "header_code": "Số hồ sơ",
        "header_unit_code": "Đơn vị",
        "header_procedure_code": "Mã TT",
        "header_received": "Nhận",
        "header_due": "Hẹn",
    }
    assert client.post(reverse("dossiers:profile_add"), data).status_code == 302
    assert SavedImportProfile.objects.get().headers["code"] == "Số hồ sơ"
    response = client.post(reverse("dossiers:clients"), {"name": "Một cửa tỉnh", "unit": world.province.pk})
    token = response.context["token"]
    assert token and token in response.content.decode()
    assert token not in client.get(reverse("dossiers:clients")).content.decode()


def test_uploading_a_register_runs_an_import_job_with_progress_and_a_report_when_rejected(client, world, tmp_path):
    from cchc.dossiers.synthetic import write_csv

    write_csv(tmp_path / "so.csv", random_records(13, 40, ["X01"]))
    client.force_login(world.officer)
    upload = SimpleUploadedFile("so.csv", (tmp_path / "so.csv").read_bytes(), content_type="text/csv")
    response = client.post(reverse("dossiers:import"), {"registers": [upload], "profile": ""})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    run_pending()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.progress == 100
    assert Dossier.objects.count() == 40
    bad = SimpleUploadedFile(
        "loi.csv", "Mã hồ sơ,Mã đơn vị,Mã TTHC,Ngày tiếp nhận,Ngày hẹn trả\nB-1,X02,1,01/04/2024,02/04/2024\n".encode()
    )
    client.post(reverse("dossiers:import"), {"registers": [bad], "profile": ""})
    run_pending()
    failed = Job.objects.exclude(pk=job.pk).get()
    assert failed.status == Job.Status.FAILED and failed.result_file
    assert "không có quyền" in str(_sheet(failed.result_file.read()))


def test_an_upload_that_is_not_a_register_is_refused_before_any_job(client, world):
    client.force_login(world.officer)
    fake = SimpleUploadedFile("so.xlsx", b"not a zip", content_type="application/octet-stream")
    response = client.post(reverse("dossiers:import"), {"registers": [fake], "profile": ""})
    assert response.status_code == 200 and Job.objects.count() == 0
