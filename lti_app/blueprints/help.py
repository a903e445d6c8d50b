"""GET /help/…: Examgate's own documentation, served by Examgate (a self-hosted site has no other).

The pages are the Markdown files in docs/, the README (the administrator's install guide) and
CHANGELOG.md, rendered with Python-Markdown. Only these files from the repository are ever rendered,
never anything a user sends, so their HTML is trusted as written: there is no sanitiser. Links between
them are written as relative .md links (they work on a code host too) and point at /help/… here.
"""
from functools import cache
from urllib.parse import urlsplit

import markdown
from flask import Blueprint, abort, render_template, url_for
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from config import ROOT

bp = Blueprint("help", __name__, url_prefix="/help")
DOCS = ROOT / "docs"
PAGES = {"install": ROOT / "README.md", "changelog": ROOT / "CHANGELOG.md"} | {
    path.stem: path for path in sorted(DOCS.glob("*.md"))}
NAMES = {path: name for name, path in PAGES.items()}


class _HelpLinks(Treeprocessor):
    """Relative links to another served file become its /help/ address."""

    def __init__(self, md, source):
        super().__init__(md)
        self.source = source

    def run(self, root):
        for link in root.iter("a"):
            target = urlsplit(link.get("href", ""))
            if target.scheme or target.netloc or not target.path:
                continue
            name = NAMES.get((self.source.parent / target.path).resolve())
            if name:
                link.set("href", url_for("help.page", name=name, _anchor=target.fragment or None))


class _HelpLinksExtension(Extension):
    def __init__(self, source):
        super().__init__()
        self.source = source

    def extendMarkdown(self, md):
        md.treeprocessors.register(_HelpLinks(md, self.source), "help_links", 0)


@cache
def rendered(name):
    """(title, HTML) of a help page; files do not change while the app runs."""
    source = PAGES[name]
    text = source.read_text(encoding="utf-8")
    html = markdown.markdown(text, extensions=["tables", "fenced_code", "attr_list", "toc", _HelpLinksExtension(source)])
    title = next((line.lstrip("# ").strip() for line in text.splitlines() if line.startswith("# ")), name)
    return title, html


@bp.get("/", defaults={"name": "index"})
@bp.get("/<name>")
def page(name):
    if name not in PAGES:
        abort(404)
    title, html = rendered(name)
    return render_template("help/page.html", title=title, html=html)
