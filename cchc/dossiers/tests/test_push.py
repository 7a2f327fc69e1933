"""The batch push endpoint: token authentication, the client's unit subtree, row errors, upserts."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from cchc.dossiers import push
from cchc.dossiers.models import ApiClient, Dossier, ImportBatch
from cchc.dossiers.services import create_api_client

pytestmark = pytest.mark.django_db

URL = reverse("dossiers:push")


def _dossier(code: str = "API-1", unit: str = "X01", **changes: object) -> dict[str, object]:
    item: dict[str, object] = {
        "code": code,
        "unit_code": unit,
        "procedure_code": "1.001",
        "procedure_name": "Đăng ký khai sinh",
        "field": "Hộ tịch",
        "received": "2024-04-01 08:00",
        "due": "05/04/2024 16:30",
        "finished": "04/04/2024 10:00",
        "channel": 2,
        "online_level": "toàn trình",
    }
    item.update(changes)
    return item


def _post(client, token: str | None, payload: object):  # type: ignore[no-untyped-def]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(URL, data=json.dumps(payload), content_type="application/json", **headers)


@pytest.fixture
def token(world) -> str:
    _client, token = create_api_client(actor=None, name="Một cửa xã Hoàng Việt", unit=world.commune)
    return token


def test_a_push_without_a_token_is_refused_with_401_and_nothing_saved(client, token):
    response = _post(client, None, {"dossiers": [_dossier()]})
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert Dossier.objects.count() == 0


def test_a_push_with_a_wrong_or_disabled_token_is_refused_with_401(client, token):
    assert _post(client, token + "x", [_dossier()]).status_code == 401
    ApiClient.objects.update(is_active=False)
    assert _post(client, token, [_dossier()]).status_code == 401
    assert Dossier.objects.count() == 0


def test_a_valid_push_creates_then_updates_by_code(client, token):
    response = _post(client, token, {"dossiers": [_dossier(), _dossier("API-2")]})
    assert response.status_code == 200
    assert response.json() == {"received": 2, "created": 2, "updated": 0, "errors": []}
    response = _post(client, token, [_dossier(finished="08/04/2024 09:00")])
    assert response.json()["updated"] == 1
    assert Dossier.objects.get(code="API-1").outcome == "late"
    assert Dossier.objects.count() == 2
    assert ApiClient.objects.get().last_used_at is not None
    assert ImportBatch.objects.filter(source=ImportBatch.Source.API).count() == 2


def test_the_vietnamese_file_headers_are_accepted_as_keys(client, token):
    item = {
        "Mã hồ sơ": "VN-1",
        "Mã đơn vị": "X01",
        "Mã TTHC": "1.001",
        "Ngày tiếp nhận": "01/04/2024",
        "Ngày hẹn trả": "05/04/2024",
    }
    assert _post(client, token, [item]).status_code == 200
    assert Dossier.objects.filter(code="VN-1").exists()


def test_a_dossier_of_a_unit_outside_the_clients_subtree_is_refused_with_403_and_nothing_saved(client, token):
    response = _post(client, token, [_dossier(), _dossier("API-2", unit="X02")])
    assert response.status_code == 403
    assert response.json()["errors"][0]["row"] == 2
    assert Dossier.objects.count() == 0


def test_a_push_cannot_take_over_a_dossier_of_another_unit(client, token, world):
    _other, other_token = create_api_client(actor=None, name="Một cửa xã Ba Xa", unit=world.other_commune)
    assert _post(client, other_token, [_dossier("SHARED", unit="X02")]).status_code == 200
    response = _post(client, token, [_dossier("SHARED", unit="X01")])
    assert response.status_code == 403
    assert Dossier.objects.get(code="SHARED").unit == world.other_commune


def test_invalid_rows_are_listed_with_422_and_nothing_is_saved(client, token):
    response = _post(client, token, [_dossier(), _dossier("API-2", due="30/03/2024"), _dossier("API-3", channel="9")])
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [(error["row"], error["column"]) for error in errors] == [(2, "Ngày hẹn trả"), (3, "Kênh nộp")]
    assert Dossier.objects.count() == 0


def test_with_partial_the_valid_rows_are_saved_and_the_others_reported(client, token):
    response = _post(client, token, {"dossiers": [_dossier(), _dossier("API-2", due="x")], "partial": True})
    assert response.status_code == 200
    assert response.json()["created"] == 1 and len(response.json()["errors"]) == 1


def test_a_push_beyond_the_size_limit_is_refused_with_413(client, token, monkeypatch):
    monkeypatch.setattr(push, "MAX_DOSSIERS", 2)
    assert _post(client, token, [_dossier(str(index)) for index in range(3)]).status_code == 413
    assert Dossier.objects.count() == 0


def test_a_body_that_is_not_json_is_refused_with_400(client, token):
    response = client.post(URL, data="not json", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 400


def test_only_the_tokens_hash_is_stored(token):
    stored = ApiClient.objects.get()
    assert token not in (stored.token_hash, stored.token_prefix) and stored.token_hash == ApiClient.hash_token(token)
