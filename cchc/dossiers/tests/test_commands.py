"""`cchc dossiers kpis|generate|recompute|client`."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from django.core.management import CommandError, call_command

from cchc.dossiers.fast_reading import read_records
from cchc.dossiers.kpis import kpis
from cchc.dossiers.models import ApiClient, Dossier
from cchc.dossiers.tests.factories import random_records, record, save

pytestmark = pytest.mark.django_db

COUNT_KEYS = {
    "received",
    "settled",
    "early",
    "on_time",
    "late",
    "overdue",
    "in_progress",
    "apologised",
    "apologised_in_time",
    "online",
    "online_full",
    "components_digitised",
    "results_digitised",
    "with_fee",
    "paid_online",
}
RATE_KEYS = {
    "settled_on_time_rate",
    "early_rate",
    "on_time_rate",
    "late_rate",
    "apologised_rate",
    "apologised_in_time_rate",
    "online_rate",
    "online_full_rate",
    "components_digitised_rate",
    "results_digitised_rate",
    "paid_online_rate",
    "average_processing_days",
}


def _kpis(capsys, *arguments: str) -> list[dict]:  # type: ignore[type-arg]
    call_command("dossiers", "kpis", *arguments, "--json")
    return json.loads(capsys.readouterr().out)


def test_kpis_json_prints_one_object_per_unit_and_month_with_every_count_and_rate(world, capsys):
    save(random_records(21, 120, ["X01", "X02"]))
    groups = _kpis(
        capsys, "--from", "2024-02-01", "--to", "2024-03-31", "--by", "unit", "month", "--as-of", "2024-12-31"
    )
    assert {(group["unit"], group["month"]) for group in groups} == {
        (unit, month) for unit in ("X01", "X02") for month in ("2024-02", "2024-03")
    }
    for group in groups:
        assert group.keys() >= COUNT_KEYS | RATE_KEYS
    february_x01 = next(group for group in groups if (group["unit"], group["month"]) == ("X01", "2024-02"))
    expected = kpis(world.commune, date(2024, 2, 1), date(2024, 2, 29), date(2024, 12, 31))[0]
    assert {key: february_x01[key] for key in COUNT_KEYS} == {key: getattr(expected.counts, key) for key in COUNT_KEYS}
    assert february_x01["settled_on_time_rate"] == float(expected.rates()["settled_on_time_rate"])


def test_kpis_without_by_prints_the_total_and_unit_sums_the_subtree(world, capsys):
    save([record("A", datetime(2024, 4, 1, 8), datetime(2024, 4, 5, 16), datetime(2024, 4, 4, 9), unit_code="X02")])
    (total,) = _kpis(capsys, "--from", "01/04/2024", "--to", "30/04/2024", "--unit", "T01", "--as-of", "2024-12-31")
    assert (total["received"], total["early"], total["settled_on_time_rate"]) == (1, 1, 100.0)
    (commune,) = _kpis(capsys, "--from", "2024-04-01", "--to", "2024-04-30", "--unit", "X01")
    assert commune["received"] == 0 and commune["settled_on_time_rate"] is None


def test_kpis_by_field_and_procedure_name_them(world, capsys):
    save([record("A", datetime(2024, 4, 1, 8), datetime(2024, 4, 5, 16))])
    (group,) = _kpis(
        capsys, "--from", "2024-04-01", "--to", "2024-04-30", "--by", "field,procedure", "--as-of", "2024-04-02"
    )
    assert (group["field"], group["procedure"], group["in_progress"]) == ("Hộ tịch", "1.001", 1)


def test_kpis_refuses_an_unknown_grouping_or_unit(world):
    with pytest.raises(CommandError):
        call_command("dossiers", "kpis", "--from", "2024-01-01", "--to", "2024-01-31", "--by", "district", "--json")
    with pytest.raises(CommandError):
        call_command("dossiers", "kpis", "--from", "2024-01-01", "--to", "2024-01-31", "--unit", "NOPE", "--json")


def test_generate_writes_a_register_the_importer_reads_back(world, tmp_path, capsys):
    path = tmp_path / "so.csv"
    call_command("dossiers", "generate", "200", "-o", str(path), "--year", "2024", "--units", "X01", "X02")
    rows = list(read_records(path, {"X01", "X02"}))
    assert len(rows) == 200 and not any(errors for _row, _record, errors in rows)
    assert "200 hồ sơ" in capsys.readouterr().out


def test_recompute_restores_the_facts_from_the_calendar(world, capsys):
    save([record("A", datetime(2024, 4, 8, 8), datetime(2024, 4, 12, 16), datetime(2024, 4, 12, 9))])
    Dossier.objects.update(processing_working_days=99)
    call_command("dossiers", "recompute")
    assert Dossier.objects.get().processing_working_days == 4
    assert "1 hồ sơ" in capsys.readouterr().out


def test_client_creates_a_connection_and_prints_its_token_once(world, capsys):
    call_command("dossiers", "client", "Một cửa", "--unit", "X01")
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert ApiClient.objects.get().token_hash == ApiClient.hash_token(token)
