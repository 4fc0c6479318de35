"""Hostile input: script tags, event handlers, javascript: and data: URLs, SVG, broken
markup, and Markdown link and image tricks. Each sets window.__xss or opens a dialog
if it ever runs."""

PAYLOADS = [
    "<script>window.__xss=1;alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="window.__xss=1;alert(1)">',
    '<img src="javascript:alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="jav&#x09;ascript:alert(1)">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<link rel=stylesheet href=javascript:alert(1)>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</title><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>alert(1)//<</script>",
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](data:text/html,<script>alert(1)</script>)",
    "![x](javascript:alert(1))",
    '![x](x" onerror="alert(1))',
    '[x](https://example.com "title" onmouseover=alert(1))',
    '<http://example.com/" onmouseover="alert(1)>',
    "`<script>alert(1)</script>`",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "{{ 7*7 }}{% debug %}",
]


HOSTILE_PAGES = [
    "/",
    "/articles/",
    "/articles/hostile/",
    "/companies/hostile-co/",
    "/people/hostile-person/",
    "/events/hostile-event/",
    "/tags/hostile-tag/",
    "/tags/",
    "/companies/",
    "/together/company/hostile-co/tag/hostile-tag/",
    "/feed/",
    "/feed/company/hostile-co/",
]


def build_hostile_content():
    """Every payload in every field an editor can type into, on every page type."""
    from articles.models import Company, Event, Fact, Person, Quote, Tag

    from .factories import make_article

    body = "\n\n".join(PAYLOADS)
    joined = " ".join(PAYLOADS)
    article = make_article(
        "hostile",
        title=PAYLOADS[0],
        standfirst=joined,
        body=body,
        section=PAYLOADS[2],
        byline=PAYLOADS[4],
        image_caption=PAYLOADS[9],
    )
    company = Company.objects.create(
        name=PAYLOADS[2],
        slug="hostile-co",
        description=joined,
        aliases="\n".join(PAYLOADS),
        website="https://example.com/",
    )
    person = Person.objects.create(name=PAYLOADS[10], slug="hostile-person", bio=joined)
    event = Event.objects.create(
        name=PAYLOADS[5],
        slug="hostile-event",
        description=joined,
        location=PAYLOADS[12],
        date_text=PAYLOADS[13],
    )
    tag = Tag.objects.create(
        name=PAYLOADS[17][:100],
        slug="hostile-tag",
        kind="place",
        description=joined,
        aliases="\n".join(PAYLOADS),
    )
    article.companies.add(company)
    article.people.add(person)
    article.events.add(event)
    article.tags.add(tag)
    citation = article.citations.create(excerpt=PAYLOADS[0])
    for n, payload in enumerate(PAYLOADS):
        Fact.objects.create(
            company=company,
            label=payload[:200],
            value=payload,
            citation=citation,
            derivation=payload,
            date_text=payload[:100],
        )
        Quote.objects.create(article=article, speaker=person, text=f"{n} {payload}")
    return article
