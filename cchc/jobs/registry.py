"""Job kinds register a handler here; the worker looks them up by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cchc.jobs.runner import JobContext

Handler = Callable[["JobContext"], None]
_handlers: dict[str, Handler] = {}


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    def register(function: Handler) -> Handler:
        _handlers[kind] = function
        return function

    return register


def handler_for(kind: str) -> Handler:
    from django.apps import apps

    # Handlers live in each app's jobs module; importing them registers them.
    for config in apps.get_app_configs():
        if config.name.startswith("cchc."):
            try:
                __import__(f"{config.name}.jobs_handlers")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.jobs_handlers":
                    raise
    try:
        return _handlers[kind]
    except KeyError as error:
        raise LookupError(f"Không có bộ xử lý cho loại việc «{kind}».") from error
