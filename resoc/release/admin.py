from django.contrib import admin

from resoc.release.models import ReleaseTemplate, TemplateStep


class TemplateStepInline(admin.TabularInline):  # type: ignore[type-arg]
    model = TemplateStep
    extra = 1
    fields = ["offset_days", "area", "title", "title_en", "slot", "role", "order"]


@admin.register(ReleaseTemplate)
class ReleaseTemplateAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Templates are configuration: administrators edit the steps here (CiviCase's case types)."""

    list_display = ["code", "name", "name_en", "is_active", "is_default"]
    list_editable = ["is_active"]
    inlines = [TemplateStepInline]
