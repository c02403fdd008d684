from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django_otp.plugins.otp_totp.models import TOTPDevice

from resoc.access.context import Acting, acting_for
from resoc.audit.services import client_address

MEMBERSHIP_SESSION_KEY = "resoc_membership_id"
HAS_DEVICE_SESSION_KEY = "resoc_has_totp_device"


class MembershipMiddleware:
    """Attach ``request.acting``: the user acting through the membership chosen for this session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        def load() -> Acting | None:
            if not request.user.is_authenticated:
                return None
            return acting_for(
                request.user,
                membership_id=request.session.get(MEMBERSHIP_SESSION_KEY),
                ip_address=client_address(request),
                channel="web",
            )

        request.acting = SimpleLazyObject(load)  # type: ignore[attr-defined]
        return self.get_response(request)


class TwoFactorEnforcementMiddleware:
    """Members of roles in TWO_FACTOR_REQUIRED_ROLES must confirm a TOTP code before anything else."""

    EXEMPT_PREFIXES = ("/static/", "/i18n/", "/api/", "/health")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()  # type: ignore[attr-defined]  # added by OTPMiddleware
            and not request.path.startswith(self.EXEMPT_PREFIXES)
            and request.path not in self._exempt_paths()
        ):
            acting = request.acting  # type: ignore[attr-defined]
            if (acting and acting.role in settings.TWO_FACTOR_REQUIRED_ROLES) or self._has_own_device(
                request
            ):
                return redirect("access:two_factor")
        return self.get_response(request)

    @staticmethod
    def _has_own_device(request: HttpRequest) -> bool:
        """Users who set up a second factor of their own accord are asked for it too.

        Looked up once per session: a device set up later in the session is confirmed while setting it up.
        """
        if HAS_DEVICE_SESSION_KEY not in request.session:
            request.session[HAS_DEVICE_SESSION_KEY] = TOTPDevice.objects.filter(
                user=request.user, confirmed=True
            ).exists()
        return bool(request.session[HAS_DEVICE_SESSION_KEY])

    @staticmethod
    def _exempt_paths() -> set[str]:
        return {reverse("access:two_factor"), reverse("access:logout"), reverse("access:login")}
