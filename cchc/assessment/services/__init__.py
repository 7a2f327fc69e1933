"""Every write of the assessment: each runs in one transaction, checks access and locks, and is audited.

Locks are enforced here, not only in views: a closed phase, a passed deadline, a submitted
self-assessment or a published round refuse the write whoever asks. The command line acts as
`COMMAND_LINE`, the operator of the installation, and is audited as such.
"""

from cchc.assessment.phases import PhaseClosed
from cchc.assessment.services.administration import ImportSummary, ScoreRow, import_scores, publish_round
from cchc.assessment.services.appraisal import appraise_leaf, request_evidence
from cchc.assessment.services.common import COMMAND_LINE, CommandLine, is_administrator
from cchc.assessment.services.evidence import (
    answer_evidence_request,
    delete_evidence,
    link_evidence,
    unlink_evidence,
    upload_evidence,
)
from cchc.assessment.services.frameworks import import_criteria_set, set_criteria_set_status
from cchc.assessment.services.rounds import (
    APPRAISER_CLOSES,
    DEFAULT_THRESHOLDS,
    close_phase,
    common_superior,
    create_round,
    reopen_phase,
    reopen_round_unit,
    set_phase_dates,
)
from cchc.assessment.services.self_assessment import (
    refresh_measure_scores,
    save_self_score,
    self_assessment_problems,
    submit_round_unit,
)

__all__ = [
    "APPRAISER_CLOSES",
    "COMMAND_LINE",
    "DEFAULT_THRESHOLDS",
    "CommandLine",
    "ImportSummary",
    "PhaseClosed",
    "ScoreRow",
    "answer_evidence_request",
    "appraise_leaf",
    "close_phase",
    "common_superior",
    "create_round",
    "delete_evidence",
    "import_criteria_set",
    "import_scores",
    "is_administrator",
    "link_evidence",
    "publish_round",
    "refresh_measure_scores",
    "reopen_phase",
    "reopen_round_unit",
    "request_evidence",
    "save_self_score",
    "self_assessment_problems",
    "set_criteria_set_status",
    "set_phase_dates",
    "submit_round_unit",
    "unlink_evidence",
    "upload_evidence",
]
