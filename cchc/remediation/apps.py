from django.apps import AppConfig


class RemediationConfig(AppConfig):
    name = "cchc.remediation"
