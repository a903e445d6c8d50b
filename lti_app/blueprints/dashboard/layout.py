"""What every dashboard page shares: sign-in and staff checks, the navigation bar and resource tabs,
fetching the row a URL names (404 unless the viewer may see it), and answering htmx with a fragment."""
from dataclasses import dataclass
from functools import wraps

from flask import abort, current_app, redirect, render_template, request, url_for

from ...models import Attempt, Consumer, Context, Resource, User
from ...services import directory
from ..viewer import current_viewer, get_or_404
from . import bp


@dataclass(frozen=True)
class Entry:
    label: str
    endpoint: str
    admin_only: bool = False


# Every entry must name an existing endpoint: tests/test_resource_tabs.py fails otherwise, so a tab
# cannot silently vanish (see docs/architecture.md, "Adding a dashboard page or tab").
NAV = (
    Entry("Courses", "dashboard.contexts"),
    Entry("Resources", "dashboard.resources"),
    Entry("Users", "dashboard.users"),
    Entry("Receipts", "dashboard.receipts_page"),
    Entry("Consumers", "dashboard.consumers", admin_only=True),
    Entry("Failures", "dashboard.outcome_failures", admin_only=True),
    Entry("API keys", "dashboard.api_keys", admin_only=True),
)
RESOURCE_TABS = (
    Entry("Overview", "dashboard.resource"),
    Entry("Attempts", "dashboard.attempts_tab"),
    Entry("Students", "dashboard.students"),
    Entry("Scores sent to the LMS", "dashboard.resource_outcomes"),
    Entry("Reports", "dashboard.reports"),
    Entry("Statistics", "dashboard.statistics"),
    Entry("Settings", "dashboard.settings"),
    Entry("Exam package", "dashboard.exam_package"),
    Entry("Access changes", "dashboard.access_changes_tab"),
)


def shown(entries):
    viewer = current_viewer()
    return [entry for entry in entries if viewer.admin or not entry.admin_only]


@bp.before_request
def staff_only():
    viewer = current_viewer()
    if not viewer.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path))
    if not directory.is_staff(viewer):
        abort(404)


@bp.after_request
def vary_on_htmx(response):
    response.vary.add("HX-Request")
    return response


@bp.context_processor
def layout_values():
    return {"viewer": current_viewer(), "nav_entries": shown(NAV),
            "has_page": lambda endpoint: endpoint in current_app.view_functions}


def admin_only(view):
    """Pages about consumers and the whole site: administrators only."""
    @wraps(view)
    def checked(*args, **kwargs):
        if current_viewer().admin is None:
            abort(404)
        return view(*args, **kwargs)

    checked.admin_only = True
    return checked


def page(template, fragment, **values):
    """The full page, or only its fragment when htmx asks (the page includes the same fragment)."""
    if request.headers.get("HX-Request"):
        return render_template(fragment, **values)
    return render_template(template, fragment=fragment, **values)


def resource_tab(resource, fragment, **values):
    """A tab of the resource page: the tab bar and panel for htmx, the whole page otherwise."""
    values.update(resource=resource, tabs=shown(RESOURCE_TABS), tab_fragment=fragment)
    return page("dashboard/resource.html", "dashboard/_resource_tabs.html", **values)


def who():
    """How changes are signed: the administrator's email or the LMS user's name and id."""
    viewer = current_viewer()
    return viewer.admin.email if viewer.admin else f"{viewer.user.display_name} ({viewer.user.lti_user_id})"


def consumer_or_404(consumer_id):
    consumer = get_or_404(Consumer, consumer_id)
    if current_viewer().admin is None or not current_viewer().sees_consumer(consumer.id):
        abort(404)
    return consumer


def context_or_404(context_id):
    context = get_or_404(Context, context_id)
    if not current_viewer().teaches(context):
        abort(404)
    return context


def resource_or_404(resource_id):
    resource = get_or_404(Resource, resource_id)
    if not current_viewer().teaches(resource.context):
        abort(404)
    return resource


def attempt_or_404(attempt_id):
    attempt = get_or_404(Attempt, attempt_id)
    resource_or_404(attempt.resource_id)
    return attempt


def user_or_404(user_id):
    user = get_or_404(User, user_id)
    if not directory.sees_user(current_viewer(), user):
        abort(404)
    return user


@bp.app_template_filter("ago")
def ago(moment, now):
    """How long before `now`, in the largest whole unit: "40 s ago", "3 min ago", "2 h ago"."""
    if moment is None:
        return "never"
    seconds = max(0, int((now - moment).total_seconds()))
    for size, unit in ((3600, "h"), (60, "min")):
        if seconds >= size:
            return f"{seconds // size} {unit} ago"
    return f"{seconds} s ago"


@bp.app_template_filter("marks")
def marks(value):
    return "–" if value is None else f"{round(value, 2):g}"


@bp.app_template_filter("percent")
def percent(score):
    return "–" if score is None else f"{score:.0%}"


@bp.app_template_filter("minutes")
def minutes(total):
    """A time limit in words: 90 -> "1 hour 30 minutes"."""
    hours, rest = divmod(int(total), 60)
    words = [f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []
    if rest or not hours:
        words.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(words)
