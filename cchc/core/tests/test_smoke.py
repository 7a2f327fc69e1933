import os
import subprocess
import sys

from cchc.core import formatting


def test_settings_use_the_vietnamese_time_zone(settings):
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.LANGUAGE_CODE == "vi"


def test_numbers_use_dots_for_thousands_and_a_comma_for_decimals():
    assert formatting.number(1081000) == "1.081.000"
    assert formatting.number(0) == "0"
    assert formatting.number(-1234.5, 1) == "-1.234,5"
    assert formatting.percent(92) == "92,00%"
    assert formatting.percent("87.5") == "87,50%"
    assert formatting.percent(None) == "—"


def test_document_dates_pad_days_below_ten_and_january_and_february():
    import datetime as dt

    assert formatting.document_date("Hoàng Việt", dt.date(2026, 1, 5)) == "Hoàng Việt, ngày 05 tháng 01 năm 2026"
    assert formatting.document_date("Ba Xa", dt.date(2023, 12, 29)) == "Ba Xa, ngày 29 tháng 12 năm 2023"
    assert formatting.date(dt.date(2024, 4, 5)) == "05/04/2024"


def test_production_settings_hash_passwords_with_argon2(tmp_path):
    environment = {
        **os.environ,
        "CCHC_TESTING": "0",
        "CCHC_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "cchc.settings",
    }
    output = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.PASSWORD_HASHERS[0])"],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Argon2PasswordHasher" in output


def test_none_binds_as_null_through_the_registered_fast_adapter(world):
    import sqlite3

    from django.db import connection

    assert sqlite3.adapters[(type(None), sqlite3.PrepareProtocol)](None) is None
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s IS NULL, %s", [None, None])
        assert cursor.fetchone() in {(1, None), (True, None)}
