"""The editorial workflow as named steps: submit, send back, publish, schedule, unpublish.

Each step says from which states it starts, where it ends and whether only editors
take it; `articles.policy.can_transition` decides who may, for the buttons the form
shows and again on the server when one is pressed. `perform()` is the one write of a
step: one transaction, a revision with who and why, and an email after commit.
"""

from dataclasses import dataclass
from datetime import datetime

import reversion
from django.db import transaction
from django.utils import timezone

from . import notifications, policy
from .models import Article, ArticleStatus

DRAFT, REVIEW, PUBLISHED = ArticleStatus.DRAFT, ArticleStatus.REVIEW, ArticleStatus.PUBLISHED


class WorkflowError(Exception):
    """A step that cannot be taken; the message says why, for the person who tried.

    `reason`: "refused" (the user's role may not), "state" (not from the article's
    state) or "input" (a note or a time is missing), for an API's status code."""

    def __init__(self, message: str, reason: str = "input"):
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Step:
    name: str
    label: str  # the button
    done: str  # the history line and the message
    to_status: str
    editors_only: bool
    needs_note: bool = False
    needs_time: bool = False

    def starts_from(self, article) -> bool:
        return {
            "submit": article.status == DRAFT,
            "send_back": article.status == REVIEW,
            "publish": not article.is_live,
            "schedule": not article.is_live,
            "unpublish": article.status == PUBLISHED,  # live or scheduled
        }[self.name]


STEPS = {
    step.name: step
    for step in (
        Step("submit", "Submit for review", "Submitted for review", REVIEW, editors_only=False),
        Step("send_back", "Send back", "Sent back", DRAFT, editors_only=True, needs_note=True),
        Step("publish", "Publish now", "Published", PUBLISHED, editors_only=True),
        Step("schedule", "Schedule", "Scheduled", PUBLISHED, editors_only=True, needs_time=True),
        Step("unpublish", "Unpublish", "Unpublished", DRAFT, editors_only=True),
    )
}


def _may(step: Step, user, article, *, fresh=False) -> bool:
    return policy.can_transition(
        user, article, to_status=step.to_status, editors_only=step.editors_only, fresh=fresh
    )


def allowed(step: Step, user, article, *, fresh=False) -> bool:
    """May `user` take `step` on `article` now? An unsaved article is a draft.
    `fresh`: `article` was just read from the database (see policy.can_change)."""
    return step.starts_from(article) and _may(step, user, article, fresh=fresh)


def available(user, article, *, fresh=False) -> list[Step]:
    """The steps `user` may take on `article` now: the buttons its form shows."""
    return [step for step in STEPS.values() if allowed(step, user, article, fresh=fresh)]


def check(step: Step, user, article, *, note: str = "", at: datetime | None = None) -> None:
    """Raise WorkflowError with a message a person can act on, or return."""
    if not step.starts_from(article):
        raise WorkflowError(
            f"“{step.label}” does not apply to an article that is {state_label(article).lower()}.",
            reason="state",
        )
    if not _may(step, user, article):
        raise WorkflowError(
            "Only editors can send back, publish, schedule or unpublish. Use "
            "“Submit for review” and an editor will take it from there.",
            reason="refused",
        )
    if step.needs_note and not note.strip():
        raise WorkflowError("Write a note for the writer: what should change before it runs?")
    if step.needs_time and (at is None or at <= timezone.now()):
        raise WorkflowError("Choose a publication time in the future, or use “Publish now”.")


def apply(step: Step, article, *, note: str = "", at: datetime | None = None) -> None:
    """Set the step's fields on `article` in memory (the caller saves it)."""
    article.status = step.to_status
    if step.name == "publish":
        now = timezone.now()
        if article.published_at is None or article.published_at > now:
            article.published_at = now
    elif step.name == "schedule":
        article.published_at = at
    # The note belongs to the send-back; any other step moves past it.
    article.review_note = note.strip() if step.name == "send_back" else ""


def history_line(step: Step, *, note: str = "", at: datetime | None = None) -> str:
    line = step.done
    if at is not None and step.needs_time:
        line += f" for {timezone.localtime(at):%d %b %Y %H:%M}"
    if note.strip() and step.needs_note:
        line += f": “{note.strip()}”"
    return line


def perform(name: str, article_pk: int, *, user, note: str = "", at=None) -> Article:
    """Take step `name` on the article, as `user`: checked, saved, recorded, notified."""
    step = STEPS[name]
    with transaction.atomic(), reversion.create_revision():
        article = Article.objects.select_for_update().get(pk=article_pk)
        check(step, user, article, note=note, at=at)
        apply(step, article, note=note, at=at)
        article.save()
        reversion.set_user(user)
        reversion.set_comment(history_line(step, note=note, at=at))
        notifications.step_taken(step, article, actor=user, note=note)
    return article


def state_label(article) -> str:
    """Draft, In review, Scheduled or Published, as the desk says it."""
    if article.status == PUBLISHED and not article.is_live:
        return "Scheduled"
    return article.get_status_display()
