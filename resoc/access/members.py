"""The organization administrator's page: who works in Resoc for the organization, in which role."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from resoc.access import selectors, services
from resoc.access.context import Acting
from resoc.access.forms import MemberForm
from resoc.access.http import ResocRequest
from resoc.access.roles import Role
from resoc.web.forms import add_validation_errors


def _org_admin(request: ResocRequest) -> Acting:
    acting = request.acting
    if acting is None or acting.role != Role.ORG_ADMIN:
        raise PermissionDenied
    return acting


@login_required
def members(request: ResocRequest) -> HttpResponse:
    acting = _org_admin(request)
    form = MemberForm(request.POST or None, organizations=selectors.organizations_administered(acting=acting))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.membership_add(
                acting=acting,
                organization=data["organization"],
                role=data["role"],
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                password=data["password"],
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(
                request,
                _("%(user)s now has the role %(role)s.")
                % {"user": membership.user, "role": membership.get_role_display()},
            )
            return redirect("access:members")
    return render(
        request,
        "access/members.html",
        {
            "form": form,
            "memberships": list(selectors.memberships_administered(acting=acting)),
        },
    )


@login_required
@require_POST
def member_active(request: ResocRequest, public_id: str) -> HttpResponse:
    acting = _org_admin(request)
    membership = get_object_or_404(selectors.memberships_administered(acting=acting), public_id=public_id)
    active = request.POST.get("active") == "1"
    try:
        services.membership_set_active(acting=acting, membership=membership, active=active)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            _("The membership has been activated.") if active else _("The membership has been deactivated."),
        )
    return redirect("access:members")
