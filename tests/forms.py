"""Read a form's current values out of a page, as a browser would submit them."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind in ("submit", "button", "file", "image"):
                return
            self.data.setdefault(name, []).append(
                attrs.get("value", "on" if kind == "checkbox" else "")
            )
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data


def form_data(html: str, **overrides) -> dict:
    reader = _FormReader()
    reader.feed(html)
    data = {key: values if len(values) != 1 else values[0] for key, values in reader.data.items()}
    data.pop("csrfmiddlewaretoken", None)
    # Textareas start with a newline that browsers drop.
    data = {k: (v[1:] if isinstance(v, str) and v.startswith("\n") else v) for k, v in data.items()}
    data.update(overrides)
    return data
