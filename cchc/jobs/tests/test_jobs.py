import threading
from collections import Counter

import pytest
from django.db import connection
from django.urls import reverse

from cchc.jobs.models import Job
from cchc.jobs.registry import job_handler
from cchc.jobs.runner import JobFailed, claim_next, run, run_pending
from cchc.jobs.services import enqueue

ran: list[tuple[int, str]] = []
lock = threading.Lock()


@job_handler("test.record")
def record_run(context):  # type: ignore[no-untyped-def]
    context.progress(50, "nửa đường")
    context.log("đang chạy")
    with lock:
        ran.append((context.job.pk, context.job.worker))
    context.set_result({"summary": "xong"})


@job_handler("test.fail")
def fail(context):  # type: ignore[no-untyped-def]
    raise JobFailed("Tệp không hợp lệ ở dòng 3.")


@job_handler("test.crash")
def crash(context):  # type: ignore[no-untyped-def]
    raise RuntimeError("boom")


def test_a_job_runs_to_success_with_progress_log_and_result(db):
    job = enqueue("test.record", "Thử")
    finished = run(claim_next("worker-a"))
    assert finished.pk == job.pk
    assert finished.status == Job.Status.SUCCEEDED
    assert finished.progress == 100
    assert "đang chạy" in finished.log
    assert finished.result == {"summary": "xong"}
    assert finished.attempts == 1


def test_an_expected_failure_keeps_the_users_message(db):
    enqueue("test.fail", "Hỏng")
    job = run(claim_next("w"))
    assert job.status == Job.Status.FAILED
    assert job.error == "Tệp không hợp lệ ở dòng 3."


def test_an_unexpected_error_fails_the_job_without_stopping_the_worker(db):
    enqueue("test.crash", "Lỗi")
    enqueue("test.record", "Sau")
    assert run_pending("w") == 2
    assert list(Job.objects.order_by("pk").values_list("status", flat=True)) == ["failed", "succeeded"]


def test_a_claimed_job_is_not_claimed_again(db):
    enqueue("test.record", "Một")
    assert claim_next("a") is not None
    assert claim_next("b") is None


@pytest.mark.django_db(transaction=True)
def test_racing_workers_never_run_the_same_job_twice():
    ran.clear()
    for number in range(40):
        enqueue("test.record", f"Việc {number}")
    start = threading.Barrier(4)

    def work(name: str) -> None:
        start.wait()
        try:
            run_pending(name)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(f"worker-{index}",)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    counts = Counter(job_id for job_id, _worker in ran)
    assert len(counts) == 40
    assert set(counts.values()) == {1}
    assert Job.objects.filter(status=Job.Status.SUCCEEDED).count() == 40
    assert Job.objects.filter(attempts=1).count() == 40


def test_the_progress_partial_polls_until_the_job_ends(client, world):
    job = enqueue("test.record", "Nhập hồ sơ", user=world.officer, unit=world.commune)
    client.force_login(world.officer)
    partial = client.get(reverse("jobs:detail", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in partial
    run(claim_next("w"))
    partial = client.get(reverse("jobs:detail", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in partial
    assert "Hoàn thành" in partial


def test_another_communes_officer_cannot_see_or_download_a_job(client, world):
    job = enqueue("test.record", "Nhập hồ sơ", user=world.officer, unit=world.commune)
    client.force_login(world.other_officer)
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_who_started_a_waiting_job_cancels_it_and_the_change_is_audited(client, world):
    from cchc.audit.models import Change

    job = enqueue("test.record", "Nhập sổ hồ sơ", user=world.officer, unit=world.commune)
    client.force_login(world.officer)
    assert "Hủy công việc" in client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    response = client.post(reverse("jobs:cancel", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED
    assert Change.objects.for_object(job).filter(actor=world.officer).exists()
    assert claim_next("worker-a") is None  # a cancelled job is never run


def test_a_job_a_worker_already_took_is_not_cancelled(client, world):
    job = enqueue("test.record", "Nhập sổ hồ sơ", user=world.officer)
    claim_next("worker-a")
    client.force_login(world.officer)
    assert "Hủy công việc" not in client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    response = client.post(reverse("jobs:cancel", args=[job.pk]), follow=True)
    assert "không hủy được" in response.content.decode()
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING


def test_another_user_cannot_cancel_a_job_and_nothing_changes(client, world):
    job = enqueue("test.record", "Nhập sổ hồ sơ", user=world.officer, unit=world.commune)
    client.force_login(world.leader)  # sees the commune's jobs, did not start this one
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 200
    assert client.post(reverse("jobs:cancel", args=[job.pk])).status_code == 403
    client.force_login(world.other_officer)  # another commune: cannot even see it
    assert client.post(reverse("jobs:cancel", args=[job.pk])).status_code == 404
    assert client.get(reverse("jobs:cancel", args=[job.pk])).status_code == 405
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED
    client.force_login(world.admin)
    client.post(reverse("jobs:cancel", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED
