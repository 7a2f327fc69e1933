import pytest
from django.urls import reverse


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_every_response_carries_a_content_security_policy(client, db):
    response = client.get(reverse("accounts:login"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_the_home_page_shows_the_current_unit_and_navigation(client, world):
    client.force_login(world.officer)
    response = client.get("/")
    assert response.status_code == 200
    assert "Xã Hoàng Việt" in response.content.decode()
    assert 'lang="vi"' in response.content.decode()


def test_switching_to_a_unit_the_user_cannot_see_is_refused(client, world):
    client.force_login(world.officer)
    response = client.post(reverse("core:switch_unit"), {"unit": world.other_commune.pk})
    assert response.status_code == 404


def test_a_provincial_appraiser_can_switch_to_a_commune_below(client, world):
    client.force_login(world.appraiser)
    response = client.post(reverse("core:switch_unit"), {"unit": world.commune.pk, "next": "/"})
    assert response.status_code == 302
    assert client.session["cchc_unit_id"] == world.commune.pk


@pytest.mark.parametrize("username,password", [("canbo.x01", "sai-mat-khau")])
def test_five_failed_logins_lock_the_account_even_with_the_right_password(client, world, username, password):
    url = reverse("accounts:login")
    for _ in range(5):
        client.post(url, {"username": username, "password": password})
    response = client.post(url, {"username": username, "password": "mat-khau-thu-nghiem"})
    assert response.status_code == 429
    assert "tạm thời bị khóa" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_correct_login_reaches_the_dashboard(client, world):
    response = client.post(reverse("accounts:login"), {"username": "canbo.x01", "password": "mat-khau-thu-nghiem"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.officer.pk)


def test_responses_report_server_time_and_query_count(client, world):
    client.force_login(world.officer)
    response = client.get("/")
    assert response["Server-Timing"].startswith("app;dur=")
    assert int(response["X-Query-Count"]) > 0
