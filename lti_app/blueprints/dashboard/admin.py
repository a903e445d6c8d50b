"""Lists of what the viewer may see: the home page, consumers, contexts, resources and users."""
from flask import render_template, request

from ...services import attempt_lists, directory
from ..viewer import current_viewer
from . import bp
from .layout import admin_only, consumer_or_404, context_or_404, user_or_404

LIST_LIMIT = 200


@bp.get("/")
def home():
    viewer = current_viewer()
    consumers = directory.consumers(viewer).all() if viewer.admin else []
    return render_template("dashboard/home.html", consumers=consumers,
                           contexts=directory.contexts(viewer).limit(LIST_LIMIT).all())


@bp.get("/consumers")
@admin_only
def consumers():
    return render_template("dashboard/consumers.html", consumers=directory.consumers(current_viewer()).all())


@bp.get("/consumers/<int:consumer_id>")
@admin_only
def consumer(consumer_id):
    consumer = consumer_or_404(consumer_id)
    contexts = directory.contexts(current_viewer()).filter_by(consumer_id=consumer.id).limit(LIST_LIMIT).all()
    return render_template("dashboard/consumer.html", consumer=consumer, contexts=contexts)


@bp.get("/contexts")
def contexts():
    return render_template("dashboard/contexts.html",
                           contexts=directory.contexts(current_viewer()).limit(LIST_LIMIT).all())


@bp.get("/contexts/<int:context_id>")
def context(context_id):
    return render_template("dashboard/context.html", context=context_or_404(context_id))


@bp.get("/resources")
def resources():
    return render_template("dashboard/resources.html",
                           resources=directory.resources(current_viewer()).limit(LIST_LIMIT).all())


@bp.get("/users")
def users():
    text = request.args.get("q", "")
    return render_template("dashboard/users.html", q=text,
                           users=directory.find_users(current_viewer(), text).limit(LIST_LIMIT).all())


@bp.get("/users/<int:user_id>")
def user(user_id):
    user = user_or_404(user_id)
    resource_ids = directory.resource_ids(current_viewer())
    return render_template("dashboard/user.html", user=user,
                           attempts=attempt_lists.user_attempts(user, resource_ids),
                           launches=attempt_lists.user_launches(user, resource_ids))
