from __future__ import annotations

from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper


class BinaryOrderedCharField(models.CharField):  # type: ignore[type-arg]
    """A text column compared byte by byte, whatever the database's default collation.

    PostgreSQL databases are usually created with a locale collation that ignores punctuation and
    case; sort keys built by ``resoc.text`` must be compared as plain code points instead.
    SQLite already compares bytes.
    """

    def db_parameters(self, connection: BaseDatabaseWrapper) -> dict[str, Any]:
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params
