from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "cchc.organisation"
    verbose_name = "Tổ chức"
