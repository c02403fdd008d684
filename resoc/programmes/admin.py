from django.contrib import admin

from resoc.programmes.models import Location, Offer, OfferLocation, ProgrammeType, Room


class OfferLocationInline(admin.TabularInline):  # type: ignore[type-arg]
    model = OfferLocation
    extra = 1
    fields = ["location", "description"]


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Who delivers which programme where: the service directory published at /api/v1/hsds/."""

    list_display = ["programme", "organization", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["programme", "organization"]
    inlines = [OfferLocationInline]


class RoomInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Room
    extra = 1
    fields = ["name", "kind", "capacity", "is_active"]


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "organization", "city", "is_active"]
    list_select_related = ["organization"]
    inlines = [RoomInline]


@admin.register(ProgrammeType)
class ProgrammeTypeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "name_en", "order", "is_active"]
