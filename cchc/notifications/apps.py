from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "cchc.notifications"
