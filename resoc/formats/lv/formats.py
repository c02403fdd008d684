"""Short Latvian dates with leading zeros (``04.12.2026``), as Latvian forms and the domain's own
messages write them. Every other format falls through to Django's ``lv`` module."""

SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
