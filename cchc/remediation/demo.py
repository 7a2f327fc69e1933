"""Demo: remediation pages compute on demand from any published result, so the demo only adds the home
commune's own effort estimates for a few criteria (its officers judged them harder than the default)."""

from __future__ import annotations

from decimal import Decimal

from cchc.assessment.models import Round, RoundUnit
from cchc.core.demo import DemoContext
from cchc.remediation.models import EffortWeight

# Criteria the walkthrough commune finds harder or easier to recover than the criteria set says.
HOME_EFFORTS = {"3.4.1": Decimal(4), "7.3.3": Decimal("1.5"), "8.1.1": Decimal(6), "6.2.3": Decimal(3)}


def load(context: DemoContext) -> None:
    home = context.home_commune
    focal = context.logins.get("focal")
    EffortWeight.objects.bulk_create(
        [
            EffortWeight(unit=home, criterion_code=code, effort=effort, updated_by=focal)
            for code, effort in HOME_EFFORTS.items()
        ]
    )
    latest = Round.objects.filter(status=Round.Status.PUBLISHED, round_units__unit=home).order_by("-year").first()
    if latest is None:
        context.log("  Khắc phục: chưa có đợt đánh giá đã công bố.")
        return
    units = RoundUnit.objects.filter(round=latest, index__isnull=False).count()
    context.log(
        f"  Khắc phục: {units} đơn vị có kết quả {latest.code} mở được kế hoạch khắc phục và lộ trình lên hạng; "
        f"công sức riêng của {home.name} cho {len(HOME_EFFORTS)} tiêu chí."
    )
