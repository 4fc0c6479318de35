"""A stale save, resolved field by field; and an uploaded file kept across a refusal.

When someone else saved an article after the editor opened it, the save is refused
and the form shows, for each field both changed, their value against mine with a
choice "keep mine / take theirs". The next submit applies the choices against the
version it was shown (a third save in between starts the comparison again).

A browser cannot refill a file input, so an image chosen in a refused submit is put
aside (PENDING_UPLOADS_ROOT, outside the public media) under a random token,
remembered in the session, and attached on the next submit unless another is chosen.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils import timezone
from reversion.models import Version

# The fields a conflict is shown for: what editors type, and the state and time, so
# resolving a conflict never silently undoes someone's publish or unpublish.
COMPARED = (
    "status",
    "published_at",
    "title",
    "slug",
    "standfirst",
    "body",
    "section",
    "byline",
    "image_alt",
    "image_caption",
    "image_credit",
)
SESSION_KEY = "pending_uploads"


def _storage():
    # Not the public media: a file from a refused submit must not be reachable by URL,
    # and leaves no trace in MEDIA_ROOT. With object storage, under the bucket's
    # private `pending/`, so that the next submit may reach any app server.
    if settings.AWS_STORAGE_BUCKET_NAME:
        from newsroom.media_storage import PendingUploadStorage  # boto3 only when used

        return PendingUploadStorage()
    return FileSystemStorage(location=settings.PENDING_UPLOADS_ROOT)


@dataclass(frozen=True)
class Conflict:
    name: str
    label: str
    mine: str
    theirs: str
    # Who changed it since the version the editor opened: "both", "theirs" or "mine"
    # (None when that version is not in the history).
    changed_by: str | None

    @property
    def suggested(self) -> str:
        """The choice to preselect: theirs where only they changed it, else mine."""
        return "theirs" if self.changed_by == "theirs" else "mine"


def _text(value) -> str:
    if isinstance(value, datetime):  # to the second, as the form submits it
        return timezone.localtime(value).isoformat(timespec="seconds")
    return str(value or "").replace("\r\n", "\n").strip()


def _shown(form, name: str, value: str) -> str:
    """What a reader of the conflict screen sees: a state's label, a readable time."""
    if name == "status":
        return dict(form.fields["status"].choices).get(value, value)
    if name == "published_at" and value:
        return datetime.fromisoformat(value).strftime("%d %b %Y %H:%M:%S")
    return value


def base_of(article, seen_version: int) -> dict | None:
    """The fields of the version the editor opened, from the revision history."""
    for version in Version.objects.get_for_object(article)[:50]:
        fields = version.field_dict
        if fields.get("lock_version") == seen_version:
            return fields
    return None


def conflicts(form, stored, *, seen_version: int) -> list[Conflict]:
    """The compared fields where the submitted value differs from the stored one."""
    base = base_of(stored, seen_version)
    found = []
    for name in COMPARED:
        if name not in form.fields:
            continue
        # The cleaned value (a split date and time is one value there), or the raw one.
        mine = _text(form.cleaned_data.get(name, form.data.get(form.add_prefix(name), "")))
        theirs = _text(getattr(stored, name))
        if mine == theirs:
            continue
        changed_by = None
        if base is not None:
            original = _text(base.get(name))
            changed_by = "theirs" if mine == original else "mine" if theirs == original else "both"
        label = str(form.fields[name].label or name)
        shown = _shown(form, name, mine), _shown(form, name, theirs)
        found.append(Conflict(name, label, *shown, changed_by))
    return found


def take_theirs(form, stored, cleaned: dict) -> None:
    """Apply each "take theirs" choice the editor made on the conflict screen."""
    for name in COMPARED:
        if form.data.get(f"resolve_{name}") == "theirs" and name in cleaned:
            cleaned[name] = getattr(stored, name)


# A session keeps at most this many files aside; the oldest goes first.
MAX_PENDING = 5


def put_aside(request, upload) -> str:
    """Keep `upload` for this session; returns its token."""
    pending = request.session.get(SESSION_KEY, {})
    for old in list(pending)[: max(0, len(pending) - MAX_PENDING + 1)]:
        forget(request, old)
    token = secrets.token_urlsafe(16)
    name = PurePath(upload.name).name
    path = _storage().save(f"{token}/{name}", upload)
    pending = request.session.get(SESSION_KEY, {})
    pending[token] = path
    request.session[SESSION_KEY] = pending
    return token


def take_back(request, token: str):
    """The file put aside under `token` in this session, opened, or None."""
    path = request.session.get(SESSION_KEY, {}).get(token or "")
    if not path or not _storage().exists(path):
        return None
    return _storage().open(path)


def name_of(request, token: str) -> str:
    path = request.session.get(SESSION_KEY, {}).get(token or "")
    return PurePath(path).name if path else ""


def forget(request, token: str) -> None:
    pending = request.session.get(SESSION_KEY, {})
    path = pending.pop(token or "", None)
    if path:
        _storage().delete(path)
        request.session[SESSION_KEY] = pending
