"""The editors' desk in real headless Chromium: a writer and an editor at 1280 px.

One story, as a newsroom works it: the writer drafts with the live preview, the
autosaved copy survives a closed tab, the writer submits, the editor sends it back
with a note, the writer fixes and resubmits, the editor publishes from the desk and
the page is live at once. Then a conflict resolved field by field, forms that fit
the screen, and axe on the desk and the article form.
"""

import pytest
from playwright.sync_api import Browser, Page, expect

from articles.models import Article, Autosave, Company
from articles.roles import EDITOR, WRITER
from tests.admin_helpers import make_user
from tests.conftest import REPORT_SLUG
from tests.tools import AXE_JS, require

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-long-test-password-1"
DESK = {"width": 1280, "height": 900}


def signed_in(browser: Browser, base: str, username: str, **context) -> Page:
    page = browser.new_context(viewport=DESK, **context).new_page()
    page.goto(base + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_contain_text("Newsroom")
    return page


def test_draft_review_send_back_resubmit_publish(browser: Browser, live_server):
    base = live_server.url
    make_user("writer", group=WRITER)
    make_user("editor", group=EDITOR)

    # The writer drafts; the preview is the server's rendering.
    writer = signed_in(browser, base, "writer")
    writer.goto(base + "/admin/articles/article/add/")
    writer.get_by_label("Title:").fill("Port volumes rise again")
    writer.get_by_label("Body:").fill("Container traffic rose in **October**.")
    expect(writer.locator("#body-preview strong")).to_have_text("October")
    expect(writer.locator("#body-status")).to_contain_text("5 words · 1 min read")
    writer.get_by_role("button", name="Save and continue editing").click()
    expect(writer.locator(".messagelist")).to_contain_text("was added successfully")
    article = Article.objects.get(title="Port volumes rise again")

    # Typing is autosaved to the writer's own copy; a closed tab loses nothing.
    writer.get_by_label("Body:").fill("Container traffic rose in October, by a tenth.")
    expect(writer.locator("#body-status")).to_contain_text("autosaved", timeout=15_000)
    context = writer.context
    writer.close()
    writer = context.new_page()
    writer.goto(base + f"/admin/articles/article/{article.pk}/change/")
    expect(writer.locator(".autosave-offer")).to_be_visible()
    writer.get_by_role("button", name="Restore my changes").click()
    expect(writer.get_by_label("Body:")).to_have_value(
        "Container traffic rose in October, by a tenth."
    )
    writer.get_by_role("button", name="Submit for review").click()
    expect(writer.locator(".messagelist")).to_contain_text("Submitted for review")
    article.refresh_from_db()
    assert article.status == "review" and article.body.endswith("by a tenth.")

    # The editor finds it on the desk and sends it back with a note.
    editor = signed_in(browser, base, "editor")
    queue = editor.locator(".desk-review")
    expect(queue.locator(".desk-count")).to_have_text("1")
    queue.get_by_role("link", name="Port volumes rise again").click()
    editor.get_by_label("Note for the writer:").fill("Say which port, and cite the authority.")
    editor.get_by_role("button", name="Send back").click()
    expect(editor.locator(".messagelist")).to_contain_text("Sent back")

    # The writer sees the note on the desk and on the form, fixes, resubmits.
    writer.goto(base + "/admin/")
    sent_back = writer.locator(".desk-sent-back")
    expect(sent_back).to_contain_text("Say which port, and cite the authority.")
    sent_back.get_by_role("link", name="Port volumes rise again").click()
    expect(writer.locator(".desk-note")).to_contain_text("Say which port")
    writer.get_by_label("Body:").fill("Container traffic at the port of Ningbo rose by a tenth.")
    writer.get_by_role("button", name="Submit for review").click()
    expect(writer.locator(".messagelist")).to_contain_text("Submitted for review")

    # The editor publishes with one click on the desk; a reader sees it at once.
    editor.goto(base + "/admin/")
    editor.locator(".desk-review").get_by_role("button", name="Publish now").click()
    expect(editor.locator(".messagelist")).to_contain_text("Published")
    reader = browser.new_context().new_page()
    assert reader.goto(base + article.get_absolute_url()).status == 200
    expect(reader.locator("main")).to_contain_text("port of Ningbo")
    assert not Autosave.objects.filter(article=article).exists()  # gone with the save
    for page in (writer, editor, reader):
        page.wait_for_load_state("networkidle")
        page.context.close()


def test_a_conflict_is_resolved_field_by_field(browser: Browser, live_server):
    base = live_server.url
    make_user("editor", group=EDITOR)
    make_user("second-editor", group=EDITOR)
    first = signed_in(browser, base, "editor")
    first.goto(base + "/admin/articles/article/add/")
    first.get_by_label("Title:").fill("Original headline")
    first.get_by_label("Body:").fill("Original body.")
    first.get_by_role("button", name="Save and continue editing").click()
    article = Article.objects.get(title="Original headline")
    url = base + f"/admin/articles/article/{article.pk}/change/"

    second = signed_in(browser, base, "second-editor")
    second.goto(url)
    first.goto(url)
    second.get_by_label("Title:").fill("Their sharper headline")
    second.get_by_role("button", name="Save and continue editing").click()
    expect(second.locator(".messagelist")).to_contain_text("was changed successfully")

    first.get_by_label("Body:").fill("My rewritten body.")
    first.get_by_role("button", name="Save and continue editing").click()
    conflicts = first.locator(".conflicts")
    expect(conflicts).to_be_visible()
    title_row = conflicts.locator("tr.conflict-title")
    expect(title_row).to_contain_text("Their sharper headline")
    expect(title_row.get_by_label("take theirs")).to_be_checked()  # only they changed it
    expect(conflicts.locator("tr.conflict-body").get_by_label("keep mine")).to_be_checked()
    first.get_by_role("button", name="Save and continue editing").click()
    expect(first.locator(".messagelist")).to_contain_text("was changed successfully")
    article.refresh_from_db()
    assert (article.title, article.body) == ("Their sharper headline", "My rewritten body.")
    for page in (first, second):
        page.wait_for_load_state("networkidle")
        page.context.close()


def test_change_forms_fit_the_screen_and_pass_axe(browser: Browser, live_report):
    make_user("editor", group=EDITOR)
    page = signed_in(browser, live_report.url, "editor")
    company = Company.objects.get(slug="astrazeneca")
    article = Article.objects.get(slug=REPORT_SLUG)
    forms = [
        "/admin/articles/article/add/",
        f"/admin/articles/article/{article.pk}/change/",
        f"/admin/articles/company/{company.pk}/change/",
        "/admin/articles/person/add/",
        "/admin/articles/event/add/",
        "/admin/articles/tag/add/",
        "/admin/articles/article/",
    ]
    for path in forms:
        page.goto(live_report.url + path)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls {overflow}px sideways at 1280 px"
    # A citation choice shows the passage that tells it apart.
    page.goto(live_report.url + f"/admin/articles/company/{company.pk}/change/")
    expect(page.locator(".field-citation .select2-selection__rendered").first).to_contain_text("“")
    page.context.close()

    require(AXE_JS.exists(), f"{AXE_JS} is missing: run `npm ci`")
    # Our CSP forbids inline scripts, axe's included: this context lets axe in.
    page = signed_in(browser, live_report.url, "editor", bypass_csp=True)
    for path in ("/admin/", f"/admin/articles/article/{article.pk}/change/"):
        page.goto(live_report.url + path)
        page.add_script_tag(path=str(AXE_JS))
        result = page.evaluate(
            """() => axe.run(document, {runOnly: {type: 'tag', values:
                ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
        )
        violations = [
            f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
            for v in result["violations"]
        ]
        assert violations == [], f"{path}: {violations}"
    page.context.close()


def test_leaving_with_unsaved_changes_asks_first(browser: Browser, live_server):
    make_user("writer", group=WRITER)
    page = signed_in(browser, live_server.url, "writer")
    page.goto(live_server.url + "/admin/articles/article/add/")
    page.get_by_label("Body:").fill("Half a sentence")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    page.close(run_before_unload=True)
    page.wait_for_event("close")
    assert dialogs == ["beforeunload"]
    # A saved form leaves without asking.
    page = page.context.new_page()
    page.goto(live_server.url + "/admin/articles/article/add/")
    page.get_by_label("Title:").fill("Saved before leaving")
    page.get_by_label("Body:").fill("All of it.")
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    assert dialogs == ["beforeunload"]
    page.context.close()
