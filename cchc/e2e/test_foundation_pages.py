"""Foundation pages in a real browser: login, navigation, accessibility at phone and desktop widths."""

import pytest

MAIN_PAGES = ["/", "/don-vi/", "/cong-viec/", "/thong-bao/"]


@pytest.mark.parametrize("width", [375, 1440])
def test_main_pages_have_no_serious_accessibility_violations(session_factory, width):
    session = session_factory("quantri", width)
    for path in MAIN_PAGES:
        response = session.goto(path)
        assert response.status == 200, path
        assert session.accessibility_violations() == [], path
        scroll_width = session.page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width + 1, f"{path} overflows horizontally at {width}px"
    assert session.console_errors == []


def test_the_unit_switcher_works_with_the_keyboard_alone(session_factory):
    session = session_factory("thamdinh")
    page = session.page
    page.goto(session.base + "/")
    page.focus("#unit-switcher")
    # A closed select changes on arrow keys; the switcher submits itself on change.
    with page.expect_navigation():
        page.keyboard.press("ArrowDown")
    assert "Đang làm việc với đơn vị: Sở Nội vụ" in page.content()
    page.focus("#unit-switcher")
    with page.expect_navigation():
        page.keyboard.press("ArrowUp")
    assert "Đang làm việc với đơn vị: Tỉnh Hòa Sơn" in page.content()


def test_a_wrong_password_is_answered_in_vietnamese(browser, demo_server):
    from cchc.e2e.conftest import Session

    session = Session(browser, demo_server)
    session.goto("/dang-nhap/")
    session.page.fill("#id_username", "canbo")
    session.page.fill("#id_password", "sai")
    session.page.click("button[type=submit]")
    assert "không đúng" in session.page.content()
    session.close()
