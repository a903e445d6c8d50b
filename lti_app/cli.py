"""Command line: flask consumers add, flask admins create, flask exams upload, flask api-keys create/revoke,
flask demo."""
import json
import secrets

import click
from flask import current_app
from flask.cli import AppGroup

from .errors import UserFacingError
from .services import api_keys as api_key_service
from .services import consumers as consumer_service

consumers_cli = AppGroup("consumers", help="LMS registrations.")
admins_cli = AppGroup("admins", help="Local administrator accounts.")
lti13_cli = AppGroup("lti13", help="LTI 1.3 registrations and the tool's keys.")
exams_cli = AppGroup("exams", help="Exams and their SCORM packages.")
api_keys_cli = AppGroup("api-keys", help="Keys that sign admin API requests.")


@consumers_cli.command("add")
@click.argument("name")
@click.option("--key", help="Use this consumer key instead of a generated one.")
@click.option("--report-mode", help="When new resources send scores: immediately, on_completion (the default), "
                                    "on_close or manually.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def add_consumer(name, key, report_mode, as_json):
    """Register an LMS: prints its new LTI 1.1 key and secret."""
    consumer = _or_exit(lambda: consumer_service.create_consumer(name, key, default_report_mode=report_mode))
    if as_json:
        click.echo(json.dumps({"id": consumer.id, "name": consumer.name, "key": consumer.key,
                               "secret": consumer.secret}))
    else:
        click.echo(f"key: {consumer.key}\nsecret: {consumer.secret}")


@admins_cli.command("create")
@click.argument("email")
@click.option("--password", help="Defaults to a generated one, printed once.")
@click.option("--superuser/--no-superuser", default=True, help="Sees every consumer.")
def create_admin(email, password, superuser):
    """Make a local administrator who can log in to the dashboard outside an LMS."""
    password = password or secrets.token_urlsafe(12)
    admin = _or_exit(lambda: consumer_service.create_admin(email, password, superuser))
    click.echo(f"administrator: {admin.email}\npassword: {password}")


@lti13_cli.command("register")
@click.option("--consumer", "consumer_key", required=True, help="The consumer's key (from `flask consumers add`).")
@click.option("--issuer", required=True)
@click.option("--client-id", required=True)
@click.option("--deployment", "deployments", multiple=True, help="A deployment id; repeat for several.")
@click.option("--login-url", required=True, help="The platform's OIDC authorisation endpoint.")
@click.option("--token-url", required=True, help="The platform's OAuth 2 token endpoint.")
@click.option("--keyset-url", required=True, help="The platform's public key set (JWKS) URL.")
def register_lti13(consumer_key, issuer, client_id, deployments, login_url, token_url, keyset_url):
    """Add (or update) an LTI 1.3 platform registration for a consumer."""
    from .models import Consumer
    from .services import registrations

    consumer = Consumer.query.filter_by(key=consumer_key).one_or_none()
    if consumer is None:
        raise click.ClickException(f"No consumer has the key {consumer_key!r}.")
    row = _or_exit(lambda: registrations.register(consumer, issuer, client_id, deployments, login_url,
                                                  token_url, keyset_url))
    click.echo(f"registration: {row.id}\nissuer: {row.issuer}\nclient id: {row.client_id}\n"
               f"deployments: {' '.join(row.deployment_ids)}")


@lti13_cli.command("rotate-key")
def rotate_key():
    """Make a new signing key; the previous one stays published until the next rotation."""
    from .lti import keys

    click.echo(f"kid: {keys.rotate().kid}")


@exams_cli.command("upload")
@click.argument("package", type=click.File("rb"))
@click.option("--title", required=True, help="The exam's title.")
@click.option("--slug", help="The exam's short name (custom_exam=SLUG); an existing slug gets a new version.")
def upload_exam(package, title, slug):
    """Check a SCORM zip and store it as an exam (or a new version of the exam SLUG)."""
    from .services import exams

    exam = exams.find_by_slug(slug) if slug else None
    version = _or_exit(lambda: exams.upload(package.read(), title=title, slug=slug, exam=exam))
    click.echo(f"exam: {version.exam.slug}\nversion: {version.number}\nscorm: {version.scorm_version}\n"
               f"launch: {version.launch_path}")


@api_keys_cli.command("create")
@click.argument("admin_email")
@click.option("--name", default="", help="What the key is for, e.g. the script using it.")
def create_api_key(admin_email, name):
    """Make an API key for an administrator: prints its id and secret (shown only now)."""
    key = _or_exit(lambda: api_key_service.create_key(admin_email, name))
    click.echo(f"api_key: {key.key_id}\nsecret: {key.secret}")


@api_keys_cli.command("revoke")
@click.argument("key_id")
def revoke_api_key(key_id):
    """Refuse every request signed with this key from now on."""
    key = _or_exit(lambda: api_key_service.revoke_key(key_id))
    click.echo(f"revoked: {key.key_id}")


@click.command("demo")
@click.option("--port", default=5000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
def demo(port, host):
    """Seed a demo consumer and exam, then serve the demo page."""
    from .services import demo as demo_service

    demo_service.seed()
    from werkzeug.serving import run_simple

    app = current_app._get_current_object()
    app.config["DEMO_MODE"] = True
    click.echo(f"Examgate demo: open http://{host}:{port}/demo/")
    run_simple(host, port, app, threaded=True)


def _or_exit(action):
    try:
        return action()
    except UserFacingError as error:
        raise click.ClickException(error.message)


def register_commands(app):
    app.cli.add_command(consumers_cli)
    app.cli.add_command(admins_cli)
    app.cli.add_command(lti13_cli)
    app.cli.add_command(exams_cli)
    app.cli.add_command(api_keys_cli)
    app.cli.add_command(demo)
