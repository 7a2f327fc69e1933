from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "cchc.jobs"
