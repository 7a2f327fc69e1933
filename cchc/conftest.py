import pytest

from cchc.testing import Province, make_province


@pytest.fixture
def world(db) -> Province:  # type: ignore[no-untyped-def]
    """A province with two communes and the usual personas."""
    return make_province()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):  # type: ignore[no-untyped-def]
    # Uploaded and generated files go to a temporary folder in tests, never into ./var.
    settings.MEDIA_ROOT = tmp_path / "media"
