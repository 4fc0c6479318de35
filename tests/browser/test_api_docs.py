"""The API's browsable docs in real Chromium: Swagger UI drawn from our own static
files, under the site's Content-Security-Policy, with nothing blocked, and a request
tried from the page answered."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_docs_page_works_under_the_sites_policy(page: Page, live_report):
    blocked = []
    page.on("console", lambda message: blocked.append(message.text))
    outside = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url) if not request.url.startswith(live_report.url) else None
        ),
    )
    page.goto(f"{live_report.url}/api/v1/docs/")
    expect(page.locator(".information-container h1")).to_contain_text("Newsroom content API")
    operation = page.locator("#operations-companies-company_detail")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.locator("input[placeholder='slug']").fill("astrazeneca")
    operation.get_by_role("button", name="Execute").click()
    answered = operation.locator(".live-responses-table tbody .response-col_status")
    expect(answered).to_have_text("200")
    expect(operation.locator(".live-responses-table .microlight").first).to_contain_text(
        '"slug": "astrazeneca"'
    )
    assert not [text for text in blocked if "Content Security Policy" in text], blocked
    assert outside == [], "the docs load nothing from another host"
