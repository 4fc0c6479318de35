import pytest

from articles.rendering import render_markdown


def test_paragraphs_get_the_anchors_citations_use():
    html = render_markdown("First.\n\nSecond, with a [link](https://example.com/).")
    assert '<p id="p-1">First.</p>' in html
    link = '<a href="https://example.com/" rel="noopener noreferrer">link</a>'
    assert f'<p id="p-2">Second, with a {link}.</p>' in html


@pytest.mark.parametrize(
    "markdown, forbidden",
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src=x onerror="alert(1)">', "onerror"),
        ("[click](javascript:alert(1))", "javascript:"),
        ("[click](data:text/html;base64,PHNjcmlwdD4=)", "data:"),
        ('<a href="#" onclick="alert(1)">x</a>', "onclick"),
        ('<svg onload="alert(1)"></svg>', "<svg"),
        ('<p id="main">clobber</p>', 'id="main"'),
    ],
)
def test_executable_or_clobbering_markup_is_removed(markdown, forbidden):
    assert forbidden not in render_markdown(markdown)
