"""A typed client generated from the committed schema (openapi-python-client), used as
a partner would: from an article to its company, the company's facts, and one fact's
cited passage, which must be word for word in the article."""

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

GENERATOR = Path(sys.executable).with_name("openapi-python-client")


@pytest.fixture
def api_client_package(tmp_path, monkeypatch):
    output = tmp_path / "newsroom_api_client"
    subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(settings.BASE_DIR / "docs" / "openapi.yaml"),
            "--meta",
            "none",
            "--output-path",
            str(output),
        ],
        check=True,
        capture_output=True,
        timeout=300,
        # Its post-generation formatting runs ruff, which is in the virtualenv.
        env={**os.environ, "PATH": f"{GENERATOR.parent}{os.pathsep}{os.environ['PATH']}"},
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield importlib.import_module("newsroom_api_client")
    for name in [m for m in sys.modules if m.startswith("newsroom_api_client")]:
        del sys.modules[name]


@pytest.mark.django_db(transaction=True)
def test_a_generated_client_walks_from_an_article_to_a_cited_passage(
    api_client_package, live_server
):
    call_command("load_report", verbosity=0)
    from newsroom_api_client import Client
    from newsroom_api_client.api.articles import article_detail, article_list
    from newsroom_api_client.api.companies import company_detail
    from newsroom_api_client.models import Article, ArticlePage, Company

    client = Client(base_url=live_server.url, raise_on_unexpected_status=True)
    page = article_list.sync(client=client)
    assert isinstance(page, ArticlePage) and page.results
    article = article_detail.sync(page.results[0].slug, client=client)
    assert isinstance(article, Article)
    company_ref = next(c for c in article.companies if c.slug == "astrazeneca")
    company = company_detail.sync(company_ref.slug, client=client)
    assert isinstance(company, Company) and company.facts
    fact = next(f for f in company.facts if f.citation.article is not None)
    assert fact.citation.article.slug == article.slug
    texts = [article.title, article.standfirst, article.body_markdown]
    if article.image:
        texts.append(article.image.caption)
    assert any(fact.citation.passage in text for text in texts)
