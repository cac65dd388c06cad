"""A saved web page as a light tree: elements (tag, dropped or not, children) and text, and where its
own text is (<main>, [role=main], <article>, <body>), with the site's menus, banners and footer marked.

Built on the standard library's HTMLParser with HTML's implied end tags (a new <li> ends the open one)
and bounded stacks; every walk over the tree is iterative, so hostile nesting cannot recurse.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

MAX_DEPTH = 512
"""Elements nested deeper are attached as siblings at this depth, as Chromium's parser does (its limit
is 512): bounds the stacks on hostile input and changes no real page."""
MAX_IMPLIED_CLOSE_SEARCH = 64
"""How far down the open elements a start tag looks for one it closes (<li> an open <li>): real pages
need a few levels; the bound keeps a page of unclosed tags linear."""

# Elements that are never the protocol text.
_DROPPED_TAGS = frozenset(
    {"head", "title", "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed",
     "canvas", "audio", "video", "map", "form", "button", "select", "textarea", "nav", "aside", "dialog"}
)  # fmt: skip
_DROPPED_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "complementary"})
_COOKIE_RE = re.compile(r"cookie|consent|gdpr", re.IGNORECASE)
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_NEVER_BANNER = frozenset({"html", "body", "main"})  # a body class "has-cookie-banner" must not drop the page
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)
BLOCKS = frozenset(
    {"address", "article", "blockquote", "body", "caption", "center", "dd", "details", "dir", "div", "dl", "dt",
     "fieldset", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "header", "footer", "hr", "legend",
     "li", "main", "menu", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead",
     "tr", "ul"}
)  # fmt: skip
_SCOPE = frozenset({"html", "table", "td", "th", "caption", "template", "object", "button", "marquee", "applet"})
# Start tag -> (open elements it closes, elements that stop the search). HTML's "implied end tags".
_CLOSES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "li": (frozenset({"li", "p"}), _SCOPE | {"ul", "ol"}),
    "dt": (frozenset({"dt", "dd", "p"}), _SCOPE | {"dl"}),
    "dd": (frozenset({"dt", "dd", "p"}), _SCOPE | {"dl"}),
    "tr": (frozenset({"tr"}), frozenset({"html", "table", "thead", "tbody", "tfoot"})),
    "td": (frozenset({"td", "th"}), frozenset({"html", "table", "tr"})),
    "th": (frozenset({"td", "th"}), frozenset({"html", "table", "tr"})),
    "thead": (frozenset({"thead", "tbody", "tfoot"}), frozenset({"html", "table"})),
    "tbody": (frozenset({"thead", "tbody", "tfoot"}), frozenset({"html", "table"})),
    "tfoot": (frozenset({"thead", "tbody", "tfoot"}), frozenset({"html", "table"})),
}
_CLOSES_P = (frozenset({"p"}), _SCOPE)
_IMPLIES_CLOSE = BLOCKS | frozenset(_CLOSES)
_OWN_HEADER = frozenset({"article", "main"})  # a <header>/<footer> inside one of these is its own, not the site's
CONTENT_KINDS = ("main", "role=main", "article", "body")  # where the page's own text is, best first


class Node:
    """An element: its tag, whether it is dropped (menu, banner, hidden), its children (elements, text)."""

    __slots__ = ("children", "dropped", "kind", "start", "tag")

    def __init__(self, tag: str, dropped: bool = False, start: int = 1, kind: str = "") -> None:
        self.tag = tag
        self.dropped = dropped
        self.start = start  # an <ol>'s first number
        self.kind = kind  # one of CONTENT_KINDS, or ""
        self.children: list[Node | str] = []


class TreeBuilder(HTMLParser):
    """Builds the light tree, closing elements as HTML implies (a new <li> ends the open one)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self._open: list[Node] = [self.root]
        self._open_counts: dict[str, int] = {}
        self._in_content = 0  # open <article>/<main>: a <header> or <footer> inside is the article's own

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            self._open[-1].children.append(Node(tag))
            return
        if tag in _IMPLIES_CLOSE:
            self._implied_close(tag)
        if attrs:  # most elements have none: the cheap path matters on multi-MB pages
            values = {k: (v or "") for k, v in attrs}
            kind = "role=main" if values.get("role", "").lower() == "main" else tag if tag in CONTENT_KINDS else ""
            node = Node(tag, self._dropped(tag, values), _int(values.get("start"), 1), kind)
        else:
            node = Node(tag, self._dropped(tag, {}), 1, tag if tag in CONTENT_KINDS else "")
        self._open[-1].children.append(node)
        if len(self._open) < MAX_DEPTH:
            self._open.append(node)
            self._open_counts[tag] = self._open_counts.get(tag, 0) + 1
            if tag in _OWN_HEADER:
                self._in_content += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)  # HTML ignores "/>" on non-void elements: <div/> opens a div

    def handle_endtag(self, tag: str) -> None:
        if tag == "br":  # browsers read </br> as <br>
            self._open[-1].children.append(Node("br"))
        elif self._open_counts.get(tag):
            while self._pop().tag != tag:
                pass

    def handle_data(self, data: str) -> None:
        current = self._open[-1]
        if current.tag == "pre" and not current.children and data.startswith("\n"):
            data = data[1:]  # HTML drops the newline that directly follows <pre>
        current.children.append(data)

    def _pop(self) -> Node:
        node = self._open.pop()
        self._open_counts[node.tag] -= 1
        if node.tag in _OWN_HEADER:
            self._in_content -= 1
        return node

    def _implied_close(self, tag: str) -> None:
        closes, stops = _CLOSES.get(tag) or (_CLOSES_P if tag in BLOCKS else (frozenset(), frozenset()))
        if not any(self._open_counts.get(t) for t in closes):
            return
        for depth in range(len(self._open) - 1, max(0, len(self._open) - 1 - MAX_IMPLIED_CLOSE_SEARCH), -1):
            current = self._open[depth].tag
            if current in closes:
                while len(self._open) > depth:
                    self._pop()
                return
            if current in stops:
                return

    def _dropped(self, tag: str, attrs: dict[str, str]) -> bool:
        if tag in ("header", "footer") and not self._in_content:
            return True  # the site's banner and footer; an article's own header (title, date) is kept
        if not attrs:
            return tag in _DROPPED_TAGS
        if tag in _DROPPED_TAGS or "hidden" in attrs or attrs.get("aria-hidden", "").lower() == "true":
            return True
        if attrs.get("role", "").lower() in _DROPPED_ROLES or _HIDDEN_STYLE_RE.search(attrs.get("style", "")):
            return True
        return tag not in _NEVER_BANNER and bool(_COOKIE_RE.search(attrs.get("id", "") + " " + attrs.get("class", "")))


def _int(text: str | None, default: int) -> int:
    return int(text) if text and text.strip().isdigit() else default


def main_element(root: Node) -> Node | None:
    """<main>, else [role=main], else the single (or the largest) <article>, else <body>: the first kind
    present with text once dropped elements are left out (the largest if several). One pass that sums
    text lengths bottom-up."""
    found: dict[str, list[tuple[int, Node]]] = {kind: [] for kind in (*CONTENT_KINDS, "document")}
    stack: list[tuple[Node, Iterator[Node | str]]] = [(root, iter(root.children))]
    sizes = [0]
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            size = sizes.pop()
            if sizes:
                sizes[-1] += size
            elif size:
                found["document"].append((size, node))
            if node.kind and size:
                found[node.kind].append((size, node))
            continue
        if isinstance(child, str):
            sizes[-1] += len(child.strip())
        elif not child.dropped:
            stack.append((child, iter(child.children)))
            sizes.append(0)
    for kind in (*CONTENT_KINDS, "document"):
        if found[kind]:
            return max(found[kind], key=lambda pair: pair[0])[1]
    return None
