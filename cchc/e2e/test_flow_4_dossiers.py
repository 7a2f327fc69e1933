"""Flow 4: the officer uploads a dossier register, follows the import's progress bar to the end, opens the
KPI dashboard and drills from the late-dossier figure to the list of those dossiers."""

import datetime as dt
import re

from cchc.dossiers.calendar import vietnam_calendar
from cchc.dossiers.synthetic import generate_dossiers, write_csv


def test_an_uploaded_register_feeds_the_dashboard_and_its_drill_down(session_factory, tmp_path):
    year = dt.date.today().year - 1
    register = tmp_path / "so-ho-so.csv"
    records = [
        record._replace(code=f"E2E-{index:05d}")
        for index, record in enumerate(
            generate_dossiers(600, ["HS001"], year, seed=7, calendar=vietnam_calendar([year, year + 1]))
        )
    ]
    write_csv(register, records)

    officer = session_factory("canbo")
    page = officer.page
    officer.goto("/ho-so/nhap/")
    page.set_input_files("input[type=file]", str(register))
    page.click("button:has-text('Nhập')")
    page.wait_for_url(re.compile(r"/cong-viec/\d+/"))
    # The progress bar polls until the job ends.
    page.wait_for_selector("#job-status:not([hx-trigger])", timeout=120000)
    status = page.locator("#job-status").inner_text()
    assert "Hoàn thành" in status, status
    assert page.locator("[role=progressbar]").get_attribute("aria-valuenow") == "100"

    officer.goto(f"/ho-so/?period={year}")
    late_card = page.locator(".count-cards a:has-text('Trễ hạn')")
    late = int(re.sub(r"\D", "", late_card.locator(".figure").inner_text()))
    assert late > 0
    officer.screenshot("ho-so")
    late_card.click()
    page.wait_for_url(re.compile(r"/ho-so/danh-sach/.*figure=late"))
    listed = page.locator("tbody tr")
    assert listed.count() == min(late, 50)
    for index in range(listed.count()):
        assert "Trễ hạn" in listed.nth(index).inner_text()
