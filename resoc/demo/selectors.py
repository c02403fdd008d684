from __future__ import annotations

from django.core.cache import cache

from resoc.demo.models import DemoDataset

_CACHE_KEY = "resoc:demo-data-present"


def database_has_demo_data() -> bool:
    """Cached for a minute: the banner is on every page and the answer changes only on seeding."""
    present = cache.get(_CACHE_KEY)
    if present is None:
        present = DemoDataset.objects.exists()
        cache.set(_CACHE_KEY, present, 60)
    return bool(present)


def forget_demo_data_flag() -> None:
    cache.delete(_CACHE_KEY)
