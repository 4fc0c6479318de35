"""Public pages. Each detail view takes its queryset from articles.selectors."""

from django.views.generic import DetailView, ListView, TemplateView

from . import selectors
from .models import Company, Event, Person, Tag

PAGE_SIZE = 20


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            articles=selectors.published_articles().prefetch_related("tags")[:10],
            companies=Company.objects.all()[:12],
            people=Person.objects.all()[:12],
            events=Event.objects.all()[:12],
            tags=Tag.objects.all(),
            **kwargs,
        )


class ArticleListView(ListView):
    template_name = "articles/article_list.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return selectors.published_articles()


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"

    def get_queryset(self):
        queryset = selectors.article_detail_queryset()
        # Staff may preview drafts and scheduled articles (the page says so);
        # everyone else gets a 404 until the article is live.
        if self.request.user.is_staff:
            return queryset
        return queryset.published()


class EntityListView(ListView):
    template_name = "articles/entity_list.html"
    paginate_by = PAGE_SIZE


class CompanyListView(EntityListView):
    model = Company
    extra_context = {"heading": "Companies"}


class CompanyDetailView(DetailView):
    queryset = selectors.company_detail_queryset()


class PersonListView(EntityListView):
    model = Person
    extra_context = {"heading": "People"}


class PersonDetailView(DetailView):
    queryset = selectors.person_detail_queryset()


class EventListView(EntityListView):
    model = Event
    extra_context = {"heading": "Events"}


class EventDetailView(DetailView):
    queryset = selectors.event_detail_queryset()


class TagListView(ListView):
    model = Tag


class TagDetailView(DetailView):
    queryset = selectors.tag_detail_queryset()

    def get_context_data(self, **kwargs):
        return super().get_context_data(tagged=selectors.tagged_with(tag=self.object), **kwargs)
