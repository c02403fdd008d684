from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from resoc.access.http import ResocRequest
from resoc.access.middleware import HAS_DEVICE_SESSION_KEY, MEMBERSHIP_SESSION_KEY
from resoc.access.models import Membership
from resoc.access.two_factor import qr_code_svg, totp_device, totp_device_for_setup


class LoginView(auth_views.LoginView):
    template_name = "access/login.html"
    redirect_authenticated_user = True


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Six-digit code from your authenticator app"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


@login_required
def two_factor(request: ResocRequest) -> HttpResponse:
    """Set up (first time) or confirm the TOTP second factor for this session."""
    user = request.user
    device = totp_device(user)
    setting_up = device is None or not device.confirmed
    if setting_up:
        device = totp_device_for_setup(user)
    assert device is not None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if setting_up:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            request.session[HAS_DEVICE_SESSION_KEY] = True
            messages.success(request, _("Two-factor authentication confirmed."))
            return redirect("web:home")
        form.add_error("token", _("The code is not correct or has expired. Try the current code."))
    context = {"form": form, "setting_up": setting_up}
    if setting_up:
        context |= {"qr_svg": qr_code_svg(device), "secret": device.bin_key.hex()}
    return render(request, "access/two_factor.html", context)


@login_required
@require_POST
def switch_membership(request: ResocRequest) -> HttpResponse:
    membership = (
        Membership.objects.filter(
            user=request.user, is_active=True, public_id=request.POST.get("membership", "")
        ).first()
        if _is_uuid(request.POST.get("membership", ""))
        else None
    )
    if membership is None:
        messages.error(request, _("That organization and role are not yours."))
    else:
        request.session[MEMBERSHIP_SESSION_KEY] = membership.pk
        messages.success(request, _("You now act as %(membership)s.") % {"membership": membership})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
