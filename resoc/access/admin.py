"""Administration of users, memberships and API tokens (system and organization administrators).

Person records, consents and the audit log are deliberately not registered here: administering
accounts gives no way into case files.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from resoc.access.models import ApiToken, Membership, User


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    extra = 0
    fields = ("organization", "role", "is_active")
    autocomplete_fields = ("organization",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):  # type: ignore[type-arg]
    inlines = [MembershipInline]
    list_display = ("username", "first_name", "last_name", "is_active", "last_login")
    search_fields = ("username", "first_name", "last_name", "email")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "organization", "role", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("user__username", "organization__name")
    autocomplete_fields = ("user", "organization")
    list_select_related = ("user", "organization")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("prefix", "name", "membership", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")
    list_select_related = ("membership__user", "membership__organization")

    def has_add_permission(self, request: object) -> bool:
        # Tokens are issued with `manage.py create_api_token`, which shows the secret once.
        return False
