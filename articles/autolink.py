"""Link the first mention of each known entity in an article's rendered body.

Works on sanitised HTML, token by token: text inside links and headings is left
alone, each entity is linked once, and the longest name wins where names overlap
("AstraZeneca China" before "AstraZeneca", "China International Import Expo"
before "China"). Phrases to keep whole (a person's job title) are never linked
into: "China" in "International and China president" is part of a title, not the
country.
"""

import re
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

SKIP_INSIDE = {"a", "h1", "h2", "h3", "h4", "h5", "h6", "code", "pre"}


@dataclass(frozen=True)
class Linkable:
    key: str  # one link per key
    names: tuple[str, ...]
    url: str
    title: str


class _Linker(HTMLParser):
    def __init__(self, linkables: list[Linkable], keep_whole: tuple[str, ...] = ()):
        # Keep character references as they are: we re-emit the HTML verbatim.
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.depth = 0  # how deep inside elements whose text must not be linked
        self.linked: set[str] = set()
        self.by_name: dict[str, Linkable] = {}
        for item in linkables:
            for name in item.names:
                self.by_name.setdefault(escape(name, quote=False), item)
        names = sorted(self.by_name, key=len, reverse=True)
        alternatives = "|".join(map(re.escape, names))
        kept = sorted({escape(p, quote=False) for p in keep_whole if p}, key=len, reverse=True)
        # Phrases kept whole come first, so a match starting there consumes the phrase
        # (in any case: titles are printed "Executive …" and "executive …").
        keep = f"(?P<keep>(?i:{'|'.join(map(re.escape, kept))}))|" if kept else ""
        self.pattern = (
            re.compile(rf"(?<!\w)(?:{keep}(?P<name>{alternatives}))(?!\w)") if names else None
        )

        self.text: list[str] = []  # text since the last tag, references kept escaped

    def handle_starttag(self, tag, attrs):
        self.flush()
        if tag in SKIP_INSIDE:
            self.depth += 1
        self.out.append(self.get_starttag_text())

    def handle_startendtag(self, tag, attrs):
        self.flush()
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        self.flush()
        if tag in SKIP_INSIDE and self.depth:
            self.depth -= 1
        self.out.append(f"</{tag}>")

    def handle_entityref(self, name):
        self.text.append(f"&{name};")

    def handle_charref(self, name):
        self.text.append(f"&#{name};")

    def handle_data(self, data):
        self.text.append(data)

    def flush(self):
        # Text is matched whole, so "R&amp;D China Center" is one name, not three pieces.
        text, self.text = "".join(self.text), []
        if text and not self.depth and self.pattern is not None:
            text = self.pattern.sub(self._link, text)
        self.out.append(text)

    def _link(self, match: re.Match) -> str:
        if match.groupdict().get("keep"):
            return match.group(0)
        item = self.by_name[match.group("name")]
        if item.key in self.linked:
            return match.group(0)
        self.linked.add(item.key)
        return (
            f'<a class="entity-link" href="{escape(item.url)}" title="{escape(item.title)}">'
            f"{match.group(0)}</a>"
        )


def link_entities(html: str, linkables: list[Linkable], keep_whole: tuple[str, ...] = ()) -> str:
    linker = _Linker(linkables, keep_whole)
    linker.feed(html)
    linker.close()
    linker.flush()
    return "".join(linker.out)
