"""Every refusal as a problem document (RFC 9457): a JSON body with a title a person
can act on, served as application/problem+json."""

from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

PROBLEM_TYPE = "application/problem+json"


class BadParameter(exceptions.ValidationError):
    """A query parameter the endpoint cannot use; says which and what it accepts."""

    def __init__(self, name: str, message: str):
        super().__init__({name: [message]})


def refuse_nul_characters(request) -> None:
    """No database stores a NUL character (PostgreSQL refuses one in a query: a 500), so
    no query parameter may carry one."""
    for name, values in request.query_params.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            raise BadParameter(name.replace("\x00", ""), "Contains a NUL character.")


def problem(status_code: int, title: str, detail: str = "", **extra) -> JsonResponse:
    body = {"type": "about:blank", "title": title, "status": status_code}
    if detail:
        body["detail"] = detail
    body.update(extra)
    return JsonResponse(body, status=status_code, content_type=PROBLEM_TYPE)


TITLES = {
    status.HTTP_400_BAD_REQUEST: "The request cannot be used as it is.",
    status.HTTP_401_UNAUTHORIZED: "A valid API token is needed.",
    status.HTTP_403_FORBIDDEN: "Your role may not do this.",
    status.HTTP_404_NOT_FOUND: "Not found.",
    status.HTTP_405_METHOD_NOT_ALLOWED: "This address does not take that method.",
    status.HTTP_406_NOT_ACCEPTABLE: "This API answers in JSON only.",
    status.HTTP_409_CONFLICT: "Not in this state.",
    status.HTTP_412_PRECONDITION_FAILED: "The article changed since you read it.",
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: "Send JSON (or multipart for an image).",
    428: "Say which version you are changing.",
    status.HTTP_429_TOO_MANY_REQUESTS: "Too many requests.",
}


def _detail_of(data) -> tuple[str, dict]:
    """DRF's error data as one sentence, and the per-field errors beside it."""
    if isinstance(data, dict) and set(data) != {"detail"}:
        errors = {
            name: [str(m) for m in (msgs if isinstance(msgs, list) else [msgs])]
            for name, msgs in data.items()
        }
        sentence = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in errors.items())
        return sentence, {"errors": errors}
    if isinstance(data, dict):
        return str(data["detail"]), {}
    if isinstance(data, list):
        return " ".join(str(item) for item in data), {}
    return str(data), {}


def exception_handler(exc, context):
    """DRF's handler, its answer rewritten as a problem document."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "Nothing is published at this address.")
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # not an API error: a 500, logged by Django
    detail, extra = _detail_of(response.data)
    title = TITLES.get(response.status_code, "The request was refused.")
    answer = problem(response.status_code, title, detail, **extra)
    for header in ("Allow", "Retry-After", "WWW-Authenticate"):
        if header in response:
            answer[header] = response[header]
    return answer


@csrf_exempt  # a POST to no endpoint is a 404 problem, not the CSRF page
def not_found(request, *args, **kwargs):
    """Any address under /api/ that names no endpoint."""
    return problem(
        404, "Not found.", "No endpoint at this address; the endpoints are listed at /api/v1/docs/."
    )
