"""The article editor's endpoints: live preview, autosave, and one-click workflow steps.

All are admin views (staff only, CSRF-checked POSTs) and ask the same policy as the
form: a preview renders only what the user may see, an autosave is kept only for an
article the user may change, a step is taken only if workflow.check allows it.
"""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .. import policy, selectors, workflow
from ..models import Article, Autosave
from ..rendering import render_article_body, render_markdown

# A body longer than this is not an article; refuse it before rendering it.
MAX_BODY = 200_000
WORDS_PER_MINUTE = 230
MAX_ID_DIGITS = 12


def _problem(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def word_count(text: str) -> dict:
    words = len(text.split())
    return {"words": words, "minutes": max(1, round(words / WORDS_PER_MINUTE)) if words else 0}


@require_POST
def preview(request):
    """The body as the public page renders it: Markdown, sanitised, entities linked."""
    if not request.user.has_perm("articles.view_article"):
        return _problem(403, "You may not preview articles.")
    body = request.POST.get("body", "")
    if len(body) > MAX_BODY:
        return _problem(413, f"The body is over {MAX_BODY:,} characters; shorten it.")
    pk = request.POST.get("article", "")
    if pk.isdecimal() and len(pk) <= MAX_ID_DIGITS:
        article = selectors.article_detail_queryset().filter(pk=int(pk)).first()
        if article is None:
            return _problem(404, "That article no longer exists.")
        article.body = body  # in memory only: the preview of an unsaved text
        html = render_article_body(article)
    else:  # a new article has no entities to link yet
        html = render_markdown(body)
    return JsonResponse({"html": html, **word_count(body)})


@require_POST
def autosave(request, pk: int):
    """Keep the user's unsaved text of article `pk` as their own copy."""
    article = get_object_or_404(Article, pk=pk)
    if not policy.can_change(request.user, article):
        return _problem(403, "You may not change this article, so nothing was autosaved.")
    fields = {name: request.POST.get(name, "") for name in Autosave.FIELDS}
    if len(fields["body"]) > MAX_BODY or len(fields["title"]) > 255:
        return _problem(413, "The text is too long to autosave; shorten it.")
    seen = request.POST.get("seen_version", "")
    # What the form was opened at, never beyond what is stored (a crafted number).
    base_version = article.lock_version
    if seen.isdecimal() and len(seen) <= MAX_ID_DIGITS:
        base_version = min(int(seen), article.lock_version)
    copy, _ = Autosave.objects.update_or_create(
        user=request.user, article=article, defaults={**fields, "base_version": base_version}
    )
    return JsonResponse({"saved_at": copy.saved_at.isoformat(timespec="seconds")})


@require_POST
def take_step(request, pk: int, step: str):
    """A desk button: submit, publish or unpublish without opening the form."""
    chosen = workflow.STEPS.get(step)
    if chosen is None or chosen.needs_note or chosen.needs_time:
        change = reverse("admin:articles_article_change", args=[pk])
        return HttpResponseRedirect(change)  # a note or a time is asked for on the form
    try:
        article = workflow.perform(step, pk, user=request.user)
    except Article.DoesNotExist:
        raise Http404("No such article.") from None
    except workflow.WorkflowError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"{chosen.done}: “{article}”.")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("admin:index")
    return HttpResponseRedirect(target)
