"""Errors as RFC 9457 problem details (``application/problem+json``), in the request's language.

Every error the API returns goes through :func:`problem_response`: ninja's own validation and
authentication errors, Django's ``ValidationError``/``PermissionDenied``/``Http404`` raised by
services, and :class:`ApiProblem` raised by the views.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.responses import NinjaJSONEncoder

PROBLEM_CONTENT_TYPE = "application/problem+json"
NON_FIELD = NON_FIELD_ERRORS  # "__all__": the key of errors that belong to no single field


class ProblemType:
    """The ``type`` URIs this API uses; docs/api.md describes each one."""

    BLANK = "about:blank"
    MALFORMED = "urn:resoc:problem:malformed-request"
    UNAUTHENTICATED = "urn:resoc:problem:unauthenticated"
    FORBIDDEN = "urn:resoc:problem:forbidden"
    NOT_FOUND = "urn:resoc:problem:not-found"
    VALIDATION = "urn:resoc:problem:validation-error"
    POSSIBLE_DUPLICATE = "urn:resoc:problem:possible-duplicate"


# Titles: short, the same for every occurrence of a type (RFC 9457 §3.1.3).
TITLES: dict[str, str | Promise] = {
    ProblemType.MALFORMED: gettext_lazy("Malformed request"),
    ProblemType.UNAUTHENTICATED: gettext_lazy("Authentication required"),
    ProblemType.FORBIDDEN: gettext_lazy("Not allowed"),
    ProblemType.NOT_FOUND: gettext_lazy("Not found"),
    ProblemType.VALIDATION: gettext_lazy("Invalid data"),
    ProblemType.POSSIBLE_DUPLICATE: gettext_lazy("Possible duplicate"),
}


class ApiProblem(Exception):
    """Raised by a view to answer with a problem document."""

    def __init__(
        self,
        status: int,
        type: str,
        detail: str | Promise,
        *,
        errors: Mapping[str, Sequence[str]] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(str(detail))
        self.status = status
        self.type = type
        self.detail = detail
        self.errors = errors
        self.extra = dict(extra or {})


def problem_response(
    request: HttpRequest,
    *,
    status: int,
    type: str,
    detail: str | Promise,
    title: str | Promise | None = None,
    errors: Mapping[str, Sequence[str]] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": type,
        "title": str(title if title is not None else TITLES.get(type, _("Error"))),
        "status": status,
        "detail": str(detail),
        "instance": request.path,
    }
    if errors is not None:
        body["errors"] = {field: [str(m) for m in messages] for field, messages in errors.items()}
    body.update(extra or {})
    content = json.dumps(body, cls=NinjaJSONEncoder, ensure_ascii=False)
    response = HttpResponse(content, status=status, content_type=PROBLEM_CONTENT_TYPE)
    if status == 401:
        has_token = bool(request.headers.get("Authorization"))
        response["WWW-Authenticate"] = (
            'Bearer realm="resoc", error="invalid_token"' if has_token else "Bearer"
        )
    return response


def not_found_detail() -> str:
    # One text for "no such person" and "not yours to see": the answer must not reveal which.
    return _("No record with this identifier is available to you.")


def validation_errors_from_django(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {field: list(messages) for field, messages in error.message_dict.items()}
    return {NON_FIELD: list(error.messages)}


def _pydantic_message(error: Mapping[str, Any]) -> str:
    """The pydantic error ``type`` as a translated sentence (pydantic's own texts are English only)."""
    kind: str = error.get("type", "")
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "null_not_allowed":
        return _("This field may not be null.")
    if kind == "extra_forbidden":
        return _("This field is not accepted here.")
    if kind == "string_too_long":
        return _("Ensure this value has at most %(limit)s characters.") % {"limit": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("Ensure this value has at least %(limit)s characters.") % {"limit": ctx.get("min_length")}
    if kind.startswith("string"):
        return _("Enter text (a JSON string).")
    if kind.startswith("date"):
        return _("Enter a real date in the format YYYY-MM-DD.")
    if kind.startswith("uuid"):
        return _("Enter a valid identifier (UUID).")
    if kind.startswith("bool"):
        return _("Enter true or false.")
    if kind.startswith("int"):
        return _("Enter a whole number.")
    if kind == "greater_than_equal":
        return _("Ensure this value is at least %(limit)s.") % {"limit": ctx.get("ge")}
    if kind == "less_than_equal":
        return _("Ensure this value is at most %(limit)s.") % {"limit": ctx.get("le")}
    if kind in {"enum", "literal_error"}:
        return _("Select one of the permitted values.")
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return _("A JSON object is expected.")
    if kind == "json_invalid":
        return _("The request body is not valid JSON.")
    return _("This value is not valid.")


def _field_name(loc: Sequence[Any], param_names: set[str]) -> str:
    parts = list(loc[1:])  # loc[0] is the source: body, query, path
    if len(parts) > 1 and parts[0] in param_names:
        parts = parts[1:]  # the view's parameter that holds the whole body
    elif len(parts) == 1 and parts[0] in param_names and loc[0] == "body":
        parts = []
    return ".".join(str(p) for p in parts) or NON_FIELD


def validation_errors_from_ninja(errors: Sequence[Mapping[str, Any]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for error in errors:
        field = _field_name(error.get("loc", ()), BODY_PARAM_NAMES)
        found.setdefault(field, []).append(_pydantic_message(error))
    return found


# Names the views give their body parameter; stripped from error locations.
BODY_PARAM_NAMES = {"payload"}


def _on_ninja_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return problem_response(
        request,
        status=422,
        type=ProblemType.VALIDATION,
        detail=_("The data sent is not valid: see errors."),
        errors=validation_errors_from_ninja(exc.errors),
    )


def _on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return problem_response(
        request,
        status=422,
        type=ProblemType.VALIDATION,
        detail=_("The data sent is not valid: see errors."),
        errors=validation_errors_from_django(exc),
    )


def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, AuthenticationError) or exc.status_code == 401:
        detail = (
            _("The API token is not valid, has been revoked, or its membership is no longer active.")
            if request.headers.get("Authorization")
            else _("Send an API token in the header Authorization: Bearer <token>.")
        )
        return problem_response(request, status=401, type=ProblemType.UNAUTHENTICATED, detail=detail)
    if exc.status_code == 403:
        return _on_permission_denied(request, exc)
    if exc.status_code == 400:
        return problem_response(
            request, status=400, type=ProblemType.MALFORMED, detail=_("The request body is not valid JSON.")
        )
    return problem_response(
        request,
        status=exc.status_code,
        type=ProblemType.BLANK,
        title=_("Error"),
        detail=_("The request could not be completed."),
    )


def _on_permission_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem_response(
        request,
        status=403,
        type=ProblemType.FORBIDDEN,
        detail=_("The role of this token's membership may not do this."),
    )


def _on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(request, status=404, type=ProblemType.NOT_FOUND, detail=not_found_detail())


def _on_api_problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
    return problem_response(
        request, status=exc.status, type=exc.type, detail=exc.detail, errors=exc.errors, extra=exc.extra
    )


_HANDLERS: list[tuple[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]] = [
    (NinjaValidationError, _on_ninja_validation),
    (DjangoValidationError, _on_django_validation),
    (HttpError, _on_http_error),
    (PermissionDenied, _on_permission_denied),
    (Http404, _on_not_found),
    (ApiProblem, _on_api_problem),
]


def install_problem_handlers(api: NinjaAPI) -> None:
    for exc_class, handler in _HANDLERS:
        api.add_exception_handler(exc_class, handler)


def unknown_endpoint(request: HttpRequest, path: str = "") -> HttpResponse:
    """Paths under /api/v1/ that no endpoint serves answer with a problem, not Django's HTML page."""
    return problem_response(
        request, status=404, type=ProblemType.NOT_FOUND, detail=_("There is no such API endpoint.")
    )
