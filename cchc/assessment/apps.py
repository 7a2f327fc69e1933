from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "cchc.assessment"
