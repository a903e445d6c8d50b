"""HTTP: one blueprint package per page group."""
from .moments import when


def register_blueprints(app):
    from .api import bp as api
    from .auth import bp as auth
    from .demo import bp as demo
    from .health import bp as health
    from .help import bp as help_pages
    from .launch import bp as launch
    from .lti_config import bp as lti_config
    from .player import bp as player
    from .student import bp as student
    from .dashboard import bp as dashboard

    for blueprint in (health, launch, lti_config, auth, student, player, dashboard, demo, api, help_pages):
        app.register_blueprint(blueprint)
    app.add_template_filter(when)
    app.add_url_rule("/favicon.ico", "favicon", lambda: app.send_static_file("favicon.ico"))
