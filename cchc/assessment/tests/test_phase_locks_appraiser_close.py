"""Appraisers close their own appraisal phases; other phases stay the administrator's."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cchc.assessment import services
from cchc.assessment.models import Phase
from cchc.audit.models import Change

# Pages read today's date from the clock; the round's phases are fixed dates around TODAY.
pytestmark = pytest.mark.usefixtures("pinned_today")


@pytest.fixture
def round_(world):
    from cchc.assessment.framework_io import load_samples

    sample = next(item for item in load_samples() if "xa" in item.unit_kinds)
    criteria_set, _created = services.import_criteria_set(actor=world.admin, data=sample)
    return services.create_round(
        actor=world.admin,
        code="R-TEST",
        criteria_set=criteria_set,
        year=sample.year_from,
        units=[world.commune, world.other_commune],
        organiser=world.province,
    )


def test_an_appraiser_closes_the_appraisal_phase_and_it_is_recorded(world, round_):
    phase = round_.phases.get(kind=Phase.Kind.APPRAISAL)
    services.close_phase(actor=world.appraiser, phase=phase)
    phase.refresh_from_db()
    assert phase.closed
    assert Change.objects.filter(object_type="assessment.phase", actor=world.appraiser).exists()


def test_an_appraiser_cannot_close_the_self_assessment_phase(world, round_):
    phase = round_.phases.get(kind=Phase.Kind.SELF_ASSESSMENT)
    with pytest.raises((PermissionDenied, ValidationError)):
        services.close_phase(actor=world.appraiser, phase=phase)
    phase.refresh_from_db()
    assert not phase.closed


def test_a_commune_officer_cannot_close_the_appraisal_phase(world, round_):
    phase = round_.phases.get(kind=Phase.Kind.APPRAISAL)
    with pytest.raises((PermissionDenied, ValidationError)):
        services.close_phase(actor=world.officer, phase=phase)
    phase.refresh_from_db()
    assert not phase.closed


def test_the_round_page_offers_the_appraiser_the_close_button_for_open_appraisal_phases(client, world, round_):
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    Phase.objects.filter(round=round_).update(
        opens_on=today - dt.timedelta(days=1), closes_on=today + dt.timedelta(days=9)
    )
    client.force_login(world.appraiser)
    page = client.get(f"/chi-so/dot/{round_.pk}/").content.decode()
    assert page.count("Đóng giai đoạn</button>") == 2  # appraisal and survey points (no second appraisal configured)
