"""Flow 5: the officer imports a plan from a .docx, corrects one task in the preview, saves, and downloads
the plan as .docx; the downloaded file opens."""

import io

from docx import Document

from cchc.plans.documents import write_plan_docx
from cchc.plans.tests.fixtures.documents import sample_plan

CORRECTED = "Rà soát, công khai đầy đủ thủ tục hành chính tại Bộ phận Một cửa (đã sửa khi nhập)"


def test_a_plan_imported_from_word_is_corrected_saved_and_downloaded(session_factory, tmp_path):
    source = tmp_path / "ke-hoach-cchc.docx"
    buffer = io.BytesIO()
    write_plan_docx(sample_plan(12), buffer)
    source.write_bytes(buffer.getvalue())

    officer = session_factory("canbo")
    page = officer.page
    officer.goto("/ke-hoach/nhap-tu-tep/")
    page.set_input_files("input[name=file]", str(source))
    page.click("button:has-text('Đọc tệp và xem trước')")
    page.wait_for_selector("button:has-text('Lưu dự thảo kế hoạch')")
    titles = page.locator("textarea[name$='-title']")
    # The twelve tasks read from the file, plus empty rows for tasks the officer may add.
    assert sum(1 for index in range(titles.count()) if titles.nth(index).input_value().strip()) == 12

    page.locator("textarea[name$='-0-title']").fill(CORRECTED)
    page.locator("input[name$='-0-deadline_text']").fill("Quý II")
    page.click("button:has-text('Lưu dự thảo kế hoạch')")
    page.wait_for_url("**/ke-hoach/*/")
    assert CORRECTED in page.content()

    with page.expect_download() as download_info:
        page.click("a:has-text('Tải văn bản .docx')")
    downloaded = tmp_path / "tai-ve.docx"
    download_info.value.save_as(str(downloaded))
    document = Document(str(downloaded))
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert CORRECTED in cells
    assert "Quý II" in cells
    assert any("KẾ HOẠCH" in paragraph.text for paragraph in document.paragraphs)
