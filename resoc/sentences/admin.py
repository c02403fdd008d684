from django.contrib import admin

from resoc.sentences.models import InstitutionType, RegimeLevel


@admin.register(InstitutionType)
class InstitutionTypeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "name_en", "order", "is_active"]
    list_editable = ["order", "is_active"]


@admin.register(RegimeLevel)
class RegimeLevelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "name_en", "institution_type", "order", "is_active"]
    list_filter = ["institution_type", "is_active"]
    list_editable = ["order", "is_active"]
