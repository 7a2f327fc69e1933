import sqlite3

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cchc.core"

    def ready(self) -> None:
        # CPython's sqlite3 (3.11 to 3.13 at least) binds int, float and str directly but sends every
        # None through its adapter lookup, which fails slowly (two attribute errors formatted per
        # value): a fifth of the instructions of inserting imported dossiers, which hold about five
        # NULLs each (measured with callgrind). A registered adapter for None makes the lookup one
        # dict hit; a bound C method (`{}.get(None)` is None) keeps the call cheap. NULL stays NULL.
        sqlite3.register_adapter(type(None), {}.get)  # type: ignore[arg-type]  # (typeshed: dict.get is overloaded)
