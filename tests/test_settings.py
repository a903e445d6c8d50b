"""config.SETTINGS is the one list of environment variables Examgate reads; the README's table matches it."""
import re
from pathlib import Path

import pytest

import config

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()
ROW = re.compile(r"^\| `([A-Z0-9_]+)` \| (.*) \| (.*) \|$", re.MULTILINE)
TABLE = {name: (meaning, default) for name, meaning, default in ROW.findall(README)}
SETTINGS = {setting.name: setting for setting in config.SETTINGS}


def test_the_readme_table_lists_every_setting_once():
    assert len(ROW.findall(README)) == len(TABLE)
    assert sorted(TABLE) == sorted(SETTINGS)


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_the_readme_shows_the_default_and_every_allowed_value(name):
    meaning, default = TABLE[name]
    setting = SETTINGS[name]
    if setting.default is not None:
        assert f"`{setting.default}`" in default
    for choice in setting.choices:
        assert f"`{choice}`" in meaning


def test_no_code_reads_the_environment_outside_config():
    root = Path(config.__file__).parent
    for folder in ("lti_app", "workers"):
        for path in (root / folder).rglob("*.py"):
            assert not re.search(r"os\.environ|getenv", path.read_text()), path


def test_defaults_run_the_laptop_demo():
    values = config.from_environment({})
    assert values["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert values["MAX_CONTENT_LENGTH"] == 100 * 1024 * 1024
    assert values["OUTCOME_RETRY_INTERVALS"] == [10, 30, 60, 300, 900, 1800, 3600]
    assert values["DEMO_MODE"] is False and values["REDIS_URL"] is None


def test_production_values_are_read():
    values = config.from_environment({"DATABASE_URL": "postgres://u@db/x", "PREFERRED_URL_SCHEME": "https",
                                      "EXAMGATE_DEMO": "1", "OUTCOME_RETRY_INTERVALS": "1, 2"})
    assert values["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/x"
    assert values["SESSION_COOKIE_SECURE"] and values["SESSION_COOKIE_SAMESITE"] == "None"
    assert values["DEMO_MODE"] is True and values["OUTCOME_RETRY_INTERVALS"] == [1, 2]


@pytest.mark.parametrize("environ, named", [
    ({"PACKAGE_STORAGE": "s3"}, "PACKAGE_STORAGE='s3': use one of database"),
    ({"TRUSTED_PROXIES": "one"}, "TRUSTED_PROXIES='one'"),
    ({"OUTCOME_RETRY_INTERVALS": "10,soon"}, "OUTCOME_RETRY_INTERVALS='10,soon'"),
])
def test_a_value_that_cannot_be_used_is_named(environ, named):
    with pytest.raises(config.SettingError, match=re.escape(named)):
        config.from_environment(environ)
