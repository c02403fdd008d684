from __future__ import annotations

from django.contrib import admin

from resoc.organizations.models import Organization


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "short_name", "type", "parent", "is_active", "is_reference_data")
    list_filter = ("type", "is_active", "is_reference_data")
    search_fields = ("name", "short_name", "code")
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)
