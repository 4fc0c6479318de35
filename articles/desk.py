"""The editors' desk: what is waiting for whom, for the admin's front page.

One query per list, each bounded; counts are of the whole list. What a person sees
follows their role: editors get the review queue, writers what was sent back to them.
"""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from . import policy, workflow
from .models import Article, ArticleStatus

LIST_SIZE = 8


@dataclass
class DeskRow:
    article: Article
    # The one-click steps (no note or time needed) the user may take on it.
    steps: list = field(default_factory=list)


@dataclass
class DeskList:
    key: str
    title: str
    empty: str
    count: int
    rows: list[DeskRow]
    filter_query: str = ""  # the changelist filter showing the whole list


def _list(key, title, empty, queryset: QuerySet, user, *, filter_query="") -> DeskList:
    rows = [
        DeskRow(
            article,
            [
                step
                for step in workflow.available(user, article, fresh=True)
                if not (step.needs_note or step.needs_time)
            ],
        )
        for article in queryset.select_related("created_by")[:LIST_SIZE]
    ]
    return DeskList(key, title, empty, queryset.count(), rows, filter_query)


def lists_for(user) -> list[DeskList]:
    if not user.has_perm("articles.view_article"):
        return []  # the desk lists titles, scheduled ones included
    now = timezone.now()
    articles = Article.objects.defer("body", "search_vector")
    mine = articles.filter(created_by=user)
    published = articles.filter(status=ArticleStatus.PUBLISHED)
    desk = []
    if policy.can_publish(user):
        desk.append(
            _list(
                "review",
                "Awaiting review",
                "Nothing is waiting for review.",
                articles.filter(status=ArticleStatus.REVIEW).order_by("updated_at"),
                user,
                filter_query="state=review",
            )
        )
    else:
        desk.append(
            _list(
                "sent-back",
                "Sent back to me",
                "Nothing has been sent back to you.",
                mine.filter(status=ArticleStatus.DRAFT)
                .exclude(review_note="")
                .order_by("-updated_at"),
                user,
                filter_query="whose=mine&state=sent_back",
            )
        )
    desk += [
        _list(
            "drafts",
            "My drafts",
            "You have no drafts.",
            mine.filter(status__in=[ArticleStatus.DRAFT, ArticleStatus.REVIEW]).order_by(
                "-updated_at"
            ),
            user,
            filter_query="whose=mine&state=open",
        ),
        _list(
            "scheduled",
            "Scheduled",
            "Nothing is scheduled.",
            published.filter(published_at__gt=now).order_by("published_at"),
            user,
            filter_query="state=scheduled",
        ),
        _list(
            "published",
            "Recently published",
            "Nothing has been published yet.",
            published.filter(published_at__lte=now).order_by("-published_at"),
            user,
            filter_query="state=live",
        ),
    ]
    return desk
