"""Score response headers the way the Mozilla HTTP Observatory does (its published
scoring table: start at 100, add or subtract per test). Only the tests that depend
on headers are here; an HTTP-to-HTTPS redirect is checked separately."""

import re


def _csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.strip().split()
        if words:
            directives[words[0].lower()] = [w.lower() for w in words[1:]]
    return directives


def score(headers: dict[str, str], cookies: list[str]) -> tuple[int, list[str]]:
    """(score, reasons) for one HTTPS response's headers and Set-Cookie lines."""
    headers = {k.lower(): v for k, v in headers.items()}
    total, reasons = 100, []

    def adjust(points: int, why: str):
        nonlocal total
        total += points
        reasons.append(f"{points:+d} {why}")

    csp = headers.get("content-security-policy")
    if not csp:
        adjust(-25, "no Content-Security-Policy")
    else:
        d = _csp_directives(csp)
        scripts = d.get("script-src", d.get("default-src", []))
        if "'unsafe-inline'" in scripts or "'unsafe-eval'" in scripts:
            adjust(-20, "CSP allows unsafe scripts")
        elif d.get("default-src") == ["'none'"]:
            adjust(+10, "CSP default-src 'none', no unsafe-inline or unsafe-eval")
        else:
            adjust(+5, "CSP without unsafe-inline or unsafe-eval")

    for cookie in cookies:
        lowered = cookie.lower()
        if "secure" not in lowered:
            adjust(-40, f"cookie without Secure: {cookie.split('=')[0]}")
        elif "samesite" not in lowered:
            adjust(-0, "cookie without SameSite")
    if cookies and all(
        "secure" in c.lower()
        and "samesite" in c.lower()
        and ("httponly" in c.lower() or not c.lower().startswith("sessionid"))
        for c in cookies
    ):
        adjust(+5, "all cookies Secure, session HttpOnly, SameSite set")

    hsts = headers.get("strict-transport-security", "")
    age = re.search(r"max-age=(\d+)", hsts)
    if not age or int(age.group(1)) < 15_768_000:
        adjust(-20, "HSTS missing or under six months")

    referrer = headers.get("referrer-policy", "").lower()
    if referrer in {
        "no-referrer",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
    }:
        adjust(+5, "private Referrer-Policy")
    elif referrer in {"unsafe-url", "no-referrer-when-downgrade"}:
        adjust(-5, "unsafe Referrer-Policy")

    if headers.get("x-content-type-options", "").lower() != "nosniff":
        adjust(-5, "no X-Content-Type-Options: nosniff")

    frame_ancestors = csp and "frame-ancestors" in _csp_directives(csp)
    if frame_ancestors:
        adjust(+5, "framing controlled by CSP frame-ancestors")
    elif headers.get("x-frame-options", "").upper() not in {"DENY", "SAMEORIGIN"}:
        adjust(-20, "framing not denied")
    return total, reasons
