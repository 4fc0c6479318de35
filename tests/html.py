"""Read pages the way a browser does, through an HTML parser, not by splitting strings."""

import lxml.html


def parse(page) -> lxml.html.HtmlElement:
    """A response, bytes or str, parsed into an element tree."""
    content = getattr(page, "content", page)
    if isinstance(content, bytes):
        content = content.decode()
    return lxml.html.document_fromstring(content)


def text(element) -> str:
    """What a reader sees in an element: its text with whitespace collapsed."""
    return " ".join(element.text_content().split())


def section(doc, heading_id: str):
    """The <section> whose heading carries this id (each page section is labelled)."""
    [heading] = doc.xpath(f'//*[@id="{heading_id}"]')
    [found] = heading.xpath("ancestor::section[1]")
    return found


def hrefs(element, selector: str = "a") -> list[str]:
    return [a.get("href") for a in element.cssselect(selector)]
