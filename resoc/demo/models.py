from __future__ import annotations

from django.db import models
from django.utils import timezone


class DemoDataset(models.Model):
    """Marks a database that holds generated, synthetic data: every page then says so."""

    generated_at = models.DateTimeField(default=timezone.now)
    seed = models.IntegerField()
    persons = models.IntegerField()

    def __str__(self) -> str:
        return f"seed {self.seed}, {self.persons} persons"
