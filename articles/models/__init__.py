"""The newsroom's domain model, split by concept (see each module's docstring)."""

from .api_tokens import ApiToken
from .article import Article, ArticleQuerySet, ArticleStatus
from .autosave import Autosave
from .citations import Citation, Cited, DatePrecision, OutsideSource
from .entities import Company, CompanyKind, Event, EventKind, Person
from .facts import (
    CompanyRelation,
    CompanyRelationKind,
    Fact,
    Participation,
    ParticipationRole,
    Quote,
    Role,
)
from .redirects import SlugRedirect
from .tags import Tag, TaggedItem, TagKind

__all__ = [
    "ApiToken",
    "Article",
    "ArticleQuerySet",
    "ArticleStatus",
    "Autosave",
    "Citation",
    "Cited",
    "Company",
    "CompanyKind",
    "CompanyRelation",
    "CompanyRelationKind",
    "DatePrecision",
    "Event",
    "EventKind",
    "Fact",
    "OutsideSource",
    "Participation",
    "ParticipationRole",
    "Person",
    "Quote",
    "Role",
    "SlugRedirect",
    "Tag",
    "TagKind",
    "TaggedItem",
]
