"""An editor and a writer in real headless Chromium, through the admin."""

import re
from io import BytesIO

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from articles.models import Article, Tag
from articles.roles import EDITOR, WRITER
from tests.admin_helpers import make_user

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-long-test-password-1"


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_contain_text("Newsroom")


def test_an_editor_drafts_previews_and_publishes(
    page: Page, browser: Browser, live_server, tmp_path
):
    base = live_server.url
    make_user("editor", group=EDITOR)
    Tag.objects.create(name="China International Import Expo", kind="topic")
    photo = tmp_path / "booth.png"
    buffer = BytesIO()
    Image.new("RGB", (1000, 600), "#3a6ea5").save(buffer, "PNG")
    photo.write_bytes(buffer.getvalue())

    log_in(page, base, "editor")
    page.goto(base + "/admin/articles/article/add/")
    page.get_by_label("Title:").fill("Expo opens its doors")
    page.get_by_label("Title:").press("Tab")  # the admin's slug script listens for change
    expect(page.get_by_label("Slug:")).to_have_value("expo-opens-its-doors")  # prepopulated
    page.get_by_label("Body:").fill("The expo opened today.\n\nExhibitors arrived early.")
    page.get_by_label("Image:", exact=True).set_input_files(str(photo))
    page.get_by_label("Image alt:").fill("Visitors at the expo entrance")
    # The tag widget searches whole tags: a multi-word tag stays one tag.
    page.locator(".field-tags .select2-selection").click()
    page.locator(".field-tags .select2-search__field").fill("China Int")
    page.get_by_role("option", name="China International Import Expo").click()
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    article = Article.objects.get(slug="expo-opens-its-doors")
    assert article.status == "draft" and [t.name for t in article.tags.all()] == [
        "China International Import Expo"
    ]
    with page.expect_popup() as popup:
        page.get_by_role("link", name="Preview on the site").click()
    preview = popup.value
    expect(preview.locator(".preview-banner")).to_contain_text("Draft preview")
    expect(preview.locator(".hero img")).to_have_attribute("alt", "Visitors at the expo entrance")
    expect(preview.locator(".hero img")).to_have_attribute("srcset", re.compile("480w"))

    reader_context = browser.new_context()
    reader = reader_context.new_page()
    assert reader.goto(base + article.get_absolute_url()).status == 404

    page.get_by_label("Status:").select_option("published")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    response = reader.goto(base + article.get_absolute_url())
    assert response.status == 200
    expect(reader.locator("h1")).to_have_text("Expo opens its doors")
    expect(reader.locator(".preview-banner")).to_have_count(0)
    # Let every request finish before the live server's database goes away.
    for open_page in (preview, reader, page):
        open_page.wait_for_load_state("networkidle")
    preview.close()
    reader_context.close()


def test_a_writer_cannot_publish(page: Page, live_server):
    base = live_server.url
    make_user("writer", group=WRITER)
    log_in(page, base, "writer")
    page.goto(base + "/admin/articles/article/add/")
    options = page.get_by_label("Status:").locator("option").all_inner_texts()
    assert options == ["Draft", "In review"]
    expect(page.get_by_label("Published at:")).to_have_count(0)
    page.get_by_label("Title:").fill("Writer's draft")
    page.get_by_label("Body:").fill("Text.")
    page.get_by_label("Status:").select_option("review")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    actions = page.locator("select[name=action] option").all_inner_texts()
    assert "Publish now" not in actions and "Unpublish" not in actions
    assert Article.objects.get().status == "review"
