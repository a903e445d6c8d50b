"""The search box in the navigation bar: results as you type, within what the viewer may see."""
from flask import request

from ...services import directory
from ..viewer import current_viewer
from . import bp
from .layout import page


@bp.get("/search")
def search():
    text = request.args.get("q", "")
    results = directory.search(current_viewer(), text)
    return page("dashboard/search.html", "partials/search_results.html", q=text, results=results)
