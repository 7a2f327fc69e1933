"""Screenshots of the main pages for the README (docs/screenshots/), taken on the demo data."""


def test_main_pages_are_photographed_for_the_readme(session_factory):
    officer = session_factory("canbo")
    pages = [
        ("tong-quan", "/"),
        ("ke-hoach", "/ke-hoach/"),
        ("tu-danh-gia", "/chi-so/cua-don-vi/"),
        ("the-diem", "/chi-tieu/the-diem/"),
        ("ho-so", "/ho-so/"),
    ]
    for name, path in pages:
        response = officer.goto(path)
        if response.status == 200:
            officer.screenshot(name)
    officer.goto("/ke-hoach/")
    officer.page.locator("table a[href^='/ke-hoach/']").first.click()
    officer.screenshot("mot-ke-hoach")

    phone = session_factory("canbo", 375)
    phone.goto("/khao-sat/")
    results = phone.page.locator("a[href*='/khao-sat/don-vi/']").first.get_attribute("href")
    phone.goto(results + "ma-qr/")
    link = phone.page.locator("p.qr-link").inner_text().strip()
    phone.goto(link[link.index("/khao-sat/") :])
    phone.screenshot("phieu-khao-sat-dien-thoai")
