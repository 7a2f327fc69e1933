"""Measure readings share work within a session and never outside it."""

from cchc.measures.readings import memo, reading_session


def test_a_session_computes_each_key_once_and_forgets_it_afterwards():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    with reading_session():
        assert memo("k", compute) == 1
        assert memo("k", compute) == 1
        assert memo("other", compute) == 2
    assert memo("k", compute) == 3
    assert memo("k", compute) == 4


def test_a_get_request_is_a_session_and_a_post_is_not(client, world):
    from unittest import mock

    seen = []

    def spy(request):
        from cchc.measures.readings import _memo

        seen.append(_memo.get() is not None)
        from django.http import HttpResponse

        return HttpResponse("ok")

    from cchc.core.middleware import ReadingSessionMiddleware

    middleware = ReadingSessionMiddleware(spy)
    request = mock.Mock(method="GET")
    middleware(request)
    request.method = "POST"
    middleware(request)
    assert seen == [True, False]
