"""Emails to the people a workflow step concerns, through Django's email framework.

Sent after the step's transaction commits, so a rolled-back step mails no one. The
backend is the console unless EMAIL_HOST is set (newsroom/settings.py).
"""

import logging

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from .page_meta import absolute_url
from .policy import PUBLISH_PERMISSION

logger = logging.getLogger(__name__)


def recipients(step, article, *, actor) -> list[str]:
    """Submissions go to the editors; everything else to the article's writer."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    if step.name == "submit":
        # Whoever may publish: the Editor group, a permission given directly, superusers.
        may_publish = get_user_model().objects.with_perm(
            PUBLISH_PERMISSION, backend="django.contrib.auth.backends.ModelBackend"
        )
        users = users & may_publish
    elif article.created_by_id:
        users = users.filter(pk=article.created_by_id)
    else:
        return []
    return sorted({user.email for user in users.exclude(pk=actor.pk)})


def step_taken(step, article, *, actor, note: str = "") -> None:
    to = recipients(step, article, actor=actor)
    if not to:
        return
    link = absolute_url(reverse("admin:articles_article_change", args=[article.pk]))
    who = actor.get_full_name() or actor.get_username()
    lines = [f"{step.done} by {who}: “{article.title}”."]
    if step.needs_note and note.strip():
        lines += ["", "Note:", note.strip()]
    lines += ["", f"Open it: {link}"]
    # One line: a header with a line break in it is refused (BadHeaderError).
    subject = " ".join(f"[Newsroom] {step.done}: {article.title}".split())[:200]

    def send():
        try:
            send_mail(subject, "\n".join(lines), None, to)
        except (OSError, ValueError):  # the step stands; a failed send is logged
            logger.exception("Could not send the workflow email to %s", ", ".join(to))

    transaction.on_commit(send)
