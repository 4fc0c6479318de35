"""The write endpoints, for editors' tools with a token (docs/api.md, "Writing").

Every write goes the admin's way: the one policy (articles/policy.py) through
`drafts.save` for text, links and image, `workflow.perform` for a step (submit,
publish, schedule…), each a revision. A writer's token can create and change drafts
and submit them; only an editor's can publish or schedule, or touch a published
article. A change must name the version it read (`If-Match` with the ETag a read
gave); a stale one gets 412, none 428.
"""

from django import forms
from django.core.exceptions import ValidationError as ModelValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import drafts, workflow
from ..models import Article, ArticleStatus, Company, Event, Person, Tag
from ..page_meta import absolute_url
from ..renditions import renditions
from .auth import PerTokenThrottle, TokenAuthentication
from .problems import BadParameter, refuse_nul_characters
from .serializers import ImageSerializer, ProblemSerializer, RenditionSerializer

PROBLEM = "application/problem+json"
STATES = ("draft", "review", "scheduled", "published")


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = (
        "Say which version you are changing: send `If-Match` with the ETag of your last read."
    )


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT


def etag_of(article) -> str:
    return f'"v{article.lock_version}"'


class Text(serializers.CharField):
    """A JSON string, and only that: DRF would turn 0 or true into "0" or "True"."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class SlugList(serializers.ListField):
    """Rows by slug: a JSON list of strings in, the same out (a mapping is refused,
    where DRF's many-related field would take its keys)."""

    default_error_messages = {"nul": "A slug never contains a NUL character."}

    def to_representation(self, manager):
        return [row.slug for row in manager.all()]

    def to_internal_value(self, data):
        if isinstance(data, list) and any(isinstance(v, str) and "\x00" in v for v in data):
            self.fail("nul")  # no slug has one, and PostgreSQL would refuse the lookup
        return super().to_internal_value(data)


def _slugs(model):
    return SlugList(
        child=serializers.SlugRelatedField(slug_field="slug", queryset=model.objects.all()),
        required=False,
    )


class DraftSerializer(serializers.ModelSerializer):
    """An article as an editor's tool reads and writes it."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: Text,
        models.TextField: Text,
    }

    state = serializers.SerializerMethodField(help_text="Draft, In review, Scheduled, Published.")
    # Slugs are in any script (articles/slugs.py), which the schema's \w would not say.
    slug = serializers.CharField(read_only=True)
    tags = _slugs(Tag)
    companies = _slugs(Company)
    people = _slugs(Person)
    events = _slugs(Event)
    image = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="This article in the write API.")
    web_url = serializers.SerializerMethodField(help_text="Its public page, once live.")

    class Meta:
        model = Article
        fields = [
            "id",
            "slug",
            "state",
            "status",
            "published_at",
            "lock_version",
            "review_note",
            *drafts.FIELDS,
            *drafts.RELATIONS,
            "image",
            "url",
            "web_url",
        ]
        read_only_fields = ["slug", "status", "published_at", "lock_version", "review_note"]
        extra_kwargs = {"body": {"required": True}, "title": {"required": True}}

    def get_state(self, article) -> str:
        return workflow.state_label(article)

    @extend_schema_field(ImageSerializer(allow_null=True))
    def get_image(self, article):
        if not article.image:
            return None
        return {
            "alt": article.image_alt,
            "caption": article.image_caption,
            "credit": article.image_credit,
            "renditions": RenditionSerializer(renditions(article.image), many=True).data,
        }

    def get_url(self, article) -> str:
        return absolute_url(reverse("api:manage-article", kwargs={"pk": article.pk}))

    def get_web_url(self, article) -> str | None:
        return absolute_url(article.get_absolute_url()) if article.is_live else None


class StepSerializer(serializers.Serializer):
    note = Text(required=False, allow_blank=True, help_text="For “send_back”: what should change.")
    at = serializers.DateTimeField(required=False, help_text="For “schedule”: when it runs.")


class ImageForm(forms.ModelForm):
    """The image fields with the admin's validation (articles/image_uploads.py)."""

    class Meta:
        model = Article
        fields = drafts.IMAGE_FIELDS


class Manage(APIView):
    authentication_classes = [TokenAuthentication]
    permission_classes = [permissions.IsAuthenticated]
    throttle_classes = [PerTokenThrottle]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        refuse_nul_characters(request)

    def may_read(self) -> None:
        if not self.request.user.has_perm("articles.view_article"):
            raise exceptions.PermissionDenied("Your role may not read articles.")

    def article(self, pk) -> Article:
        self.may_read()
        try:
            return Article.objects.get(pk=pk)
        except (Article.DoesNotExist, ValueError) as error:
            raise Http404("No article has this id.") from error

    def answer(self, article, code=status.HTTP_200_OK) -> Response:
        article = Article.objects.get(pk=article.pk)  # as stored, relations too
        response = Response(DraftSerializer(article).data, status=code)
        response["ETag"] = etag_of(article)
        response["Cache-Control"] = "private, no-store"
        return response

    def save(self, pk=None, **kwargs) -> Article:
        try:
            return drafts.save(self.request.user, pk, **kwargs)
        except drafts.Refused as refused:
            raise exceptions.PermissionDenied(str(refused)) from refused
        except drafts.Stale as stale:
            raise PreconditionFailed(
                f"The article changed since you read it (now version {stale.current_version}). "
                "Read it again, apply your change to that, and send it with the new ETag."
            ) from stale
        except ModelValidationError as invalid:
            raise exceptions.ValidationError(invalid.message_dict) from invalid

    def version_asked(self, article) -> int | None:
        """The version the client says it read (`If-Match`); None for `*` (any)."""
        header = self.request.headers.get("If-Match", "").strip()
        if not header:
            raise PreconditionRequired()
        if header == "*":
            return None
        if etag_of(article) not in {tag.strip() for tag in header.split(",")}:
            raise PreconditionFailed(
                f"The article changed since you read it (its ETag is now {etag_of(article)}). "
                "Read it again and send your change with the new ETag."
            )
        return article.lock_version


def _values_and_relations(data) -> tuple[dict, dict]:
    values = {k: v for k, v in data.items() if k in drafts.FIELDS}
    relations = {k: v for k, v in data.items() if k in drafts.RELATIONS}
    return values, relations


WRITE_ERRORS = {
    (code, PROBLEM): ProblemSerializer for code in (400, 401, 403, 404, 409, 412, 428, 429)
}


class ManagedArticles(Manage):
    """Articles in every state, for editors' tools; create a draft."""

    @extend_schema(
        operation_id="manage_article_list",
        parameters=[OpenApiParameter("state", str, enum=list(STATES), required=False)],
        responses={200: DraftSerializer(many=True), **WRITE_ERRORS},
    )
    def get(self, request):
        self.may_read()
        rows = Article.objects.prefetch_related("tags", "companies", "people", "events")
        state = request.query_params.get("state")
        if state is not None:
            if state not in STATES:
                raise BadParameter("state", f"One of {', '.join(STATES)}.")
            rows = rows.filter(_state_filter(state))
        rows = rows.order_by("-updated_at", "-pk")[:100]
        return Response(DraftSerializer(rows, many=True).data)

    @extend_schema(
        operation_id="manage_article_create",
        request=DraftSerializer,
        responses={201: DraftSerializer, **WRITE_ERRORS},
    )
    def post(self, request):
        incoming = DraftSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        values, relations = _values_and_relations(incoming.validated_data)
        article = self.save(values=values, relations=relations)
        response = self.answer(article, status.HTTP_201_CREATED)
        response["Location"] = DraftSerializer().get_url(article)
        return response


def _state_filter(state: str) -> Q:
    now = timezone.now()
    published = Q(status=ArticleStatus.PUBLISHED)
    return {
        "draft": Q(status=ArticleStatus.DRAFT),
        "review": Q(status=ArticleStatus.REVIEW),
        "scheduled": published & Q(published_at__gt=now),
        "published": published & Q(published_at__lte=now),
    }[state]


class ManagedArticle(Manage):
    """One article: read it (with its ETag), change its text and links."""

    @extend_schema(
        operation_id="manage_article_read", responses={200: DraftSerializer, **WRITE_ERRORS}
    )
    def get(self, request, pk):
        return self.answer(self.article(pk))

    @extend_schema(
        operation_id="manage_article_update",
        request=DraftSerializer,
        parameters=[OpenApiParameter("If-Match", str, "header", required=True)],
        responses={200: DraftSerializer, **WRITE_ERRORS},
    )
    def patch(self, request, pk):
        article = self.article(pk)
        incoming = DraftSerializer(article, data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        version = self.version_asked(article)
        values, relations = _values_and_relations(incoming.validated_data)
        saved = self.save(article.pk, values=values, relations=relations, if_version=version)
        return self.answer(saved)


class ManagedArticleStep(Manage):
    """A workflow step: submit, send_back, publish, schedule, unpublish."""

    @extend_schema(
        operation_id="manage_article_step",
        request=StepSerializer,
        parameters=[
            OpenApiParameter("step", str, "path", enum=list(workflow.STEPS)),
            OpenApiParameter("If-Match", str, "header", required=False),
        ],
        responses={200: DraftSerializer, **WRITE_ERRORS},
    )
    def post(self, request, pk, step):
        article = self.article(pk)
        if step not in workflow.STEPS:
            raise Http404(f"No step “{step}”: one of {', '.join(workflow.STEPS)}.")
        incoming = StepSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        if request.headers.get("If-Match"):
            self.version_asked(article)
        try:
            done = workflow.perform(
                step,
                article.pk,
                user=request.user,
                note=incoming.validated_data.get("note", ""),
                at=incoming.validated_data.get("at"),
            )
        except workflow.WorkflowError as error:
            raise {
                "refused": exceptions.PermissionDenied,
                "state": Conflict,
            }.get(error.reason, exceptions.ValidationError)(str(error)) from error
        return self.answer(done)


class ManagedArticleImage(Manage):
    """The article's image, with the admin's checks: type, size, pixels, a full decode."""

    parser_classes = [MultiPartParser, JSONParser]

    @extend_schema(
        operation_id="manage_article_image",
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {
                    "image": {"type": "string", "format": "binary"},
                    "image_alt": {"type": "string"},
                    "image_caption": {"type": "string"},
                    "image_credit": {"type": "string"},
                },
                "required": ["image", "image_alt"],
            }
        },
        parameters=[OpenApiParameter("If-Match", str, "header", required=True)],
        responses={200: DraftSerializer, **WRITE_ERRORS},
    )
    def put(self, request, pk):
        article = self.article(pk)
        form = ImageForm(request.data, request.FILES, instance=Article(pk=article.pk))
        if not request.FILES.get("image"):
            raise exceptions.ValidationError({"image": ["Attach the image file as `image`."]})
        if not request.data.get("image_alt", "").strip():
            raise exceptions.ValidationError(
                {"image_alt": ["Describe the image for readers who cannot see it."]}
            )
        if not form.is_valid():
            raise exceptions.ValidationError(
                {
                    field: [error["message"] for error in errors]
                    for field, errors in form.errors.get_json_data().items()
                }
            )
        version = self.version_asked(article)
        values = {name: form.cleaned_data[name] for name in drafts.IMAGE_FIELDS}
        saved = self.save(article.pk, values=values, relations={}, if_version=version)
        return self.answer(saved)
