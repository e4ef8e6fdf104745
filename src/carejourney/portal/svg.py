"""Charts under the site's Content-Security-Policy (style-src 'self'): the browser ignores an SVG's
inline `style="..."` attributes and `<style>` elements there, so matplotlib's fills and strokes would be
lost (every shape drawn black). This moves each style declaration into the matching SVG presentation
attribute, which the policy allows."""

from __future__ import annotations

import re
from html import escape

#: CSS properties that SVG also accepts as presentation attributes (all that matplotlib writes, and more).
PRESENTATION = {
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity", "stroke-linecap",
    "stroke-linejoin", "stroke-dasharray", "stroke-dashoffset", "stroke-miterlimit", "opacity", "clip-path",
    "font-family", "font-size", "font-weight", "font-style", "text-anchor", "dominant-baseline", "display",
    "visibility", "color",
}
_TAG = re.compile(r"<([a-zA-Z][\w:-]*)(\s[^<>]*?)?(/?)>")
_STYLE_ATTR = re.compile(r'\sstyle="([^"]*)"')
_STYLE_EL = re.compile(r"<style\b[^>]*>.*?</style>", re.S)


def _attrs_from(style: str, present: set[str]) -> str:
    out = []
    for declaration in style.split(";"):
        name, sep, value = declaration.partition(":")
        name, value = name.strip().lower(), value.strip()
        if sep and name in PRESENTATION and name not in present and value:
            out.append(f' {name}="{escape(value.replace("&quot;", chr(34)), quote=True)}"')
    return "".join(out)


def presentation_attributes(svg: str, defaults: dict[str, str] | None = None) -> str:
    """The SVG with inline styles turned into attributes and <style> elements removed; `defaults` go on the
    root element (what the removed <style> said for every element, e.g. stroke-linejoin)."""
    svg = _STYLE_EL.sub("", svg)

    def one(m: re.Match) -> str:
        name, attrs, close = m.group(1), m.group(2) or "", m.group(3)
        style = _STYLE_ATTR.search(attrs)
        if style is None:
            return m.group(0)
        rest = attrs[:style.start()] + attrs[style.end():]
        present = set(re.findall(r"\s([\w:-]+)=", rest))
        return f"<{name}{rest}{_attrs_from(style.group(1), present)}{close}>"

    svg = _TAG.sub(one, svg)
    if defaults:
        extra = "".join(f' {k}="{escape(v, quote=True)}"' for k, v in defaults.items())
        svg = re.sub(r"<svg\b", "<svg" + extra, svg, count=1)
    return svg
