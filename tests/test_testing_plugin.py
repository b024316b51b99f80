"""The pytest plugin (`glue_bookmarks.testing.pytest_plugin`): `glue_moto_client` and
`glue_moto_server_url`, in our tests and in a user's."""

from __future__ import annotations

import os

import pytest
from types_boto3_glue.client import GlueClient

from tests._support import (
    INSTALL_HINT,
    NO_DEV_PLUGINS,
    NO_MOTO,
    modules_imported_by,
)

# pytest's own fixture for testing plugins: runs pytest on a user's test files.
pytest_plugins = ["pytester"]


def test_the_fixtures_set_dummy_aws_settings(
    glue_moto_client: GlueClient, glue_moto_server_url: str
) -> None:
    assert glue_moto_client.meta.region_name == "us-east-1"
    assert glue_moto_server_url.startswith("http://127.0.0.1:")
    assert (os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_DEFAULT_REGION"]) == (
        "testing",
        "us-east-1",
    )
    assert os.environ["AWS_CONFIG_FILE"] == os.devnull


def test_the_plugin_imports_neither_moto_nor_boto3() -> None:
    watched = ("boto3", "flask", "moto", "werkzeug")
    assert modules_imported_by("import glue_bookmarks.testing.pytest_plugin", watched) == []


# What a user writes: no set-up of their own, on a machine whose AWS settings would send
# every request elsewhere (see the test below), and no trace of the fixtures afterwards.
USERS_TESTS = """
import os

import botocore.session
import pytest

from glue_bookmarks import EntityNotFoundError, GlueBookmarks
from glue_bookmarks.testing import seed_job_bookmark


def test_in_process(glue_moto_client):
    glue_moto_client.create_job(Name="nightly", Role="etl", Command={"Name": "glueetl"})
    seed_job_bookmark("nightly", version=2)
    assert GlueBookmarks(client=glue_moto_client).get_job_bookmark("nightly").version == 2


def test_server(glue_moto_server_url):
    glue = botocore.session.Session().create_client("glue", endpoint_url=glue_moto_server_url)
    glue.create_job(Name="nightly", Role="etl", Command={"Name": "glueetl"})
    seed_job_bookmark("nightly", version=3)
    with GlueBookmarks(endpoint_url=glue_moto_server_url) as gb:
        assert gb.get_job_bookmark("nightly").version == 3


def test_the_server_is_reset_after_each_test(glue_moto_server_url):
    with GlueBookmarks(endpoint_url=glue_moto_server_url) as gb:
        with pytest.raises(EntityNotFoundError, match="Job nightly not found"):
            gb.get_job_bookmark("nightly")


def test_the_machines_settings_are_back():
    assert os.environ["AWS_PROFILE"] == "no-such-profile"
    assert "AWS_ACCESS_KEY_ID" not in os.environ
"""


def test_a_users_tests_use_the_fixtures(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without the fixtures' settings, botocore would fail on the profile, or send requests to
    # an endpoint nothing listens on.
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    pytester.makepyfile(test_users_glue=USERS_TESTS)
    # A child pytest, which finds the plugin as a user's does: through its entry point.
    result = pytester.runpytest_subprocess("-W", "error", *NO_DEV_PLUGINS, timeout=120)
    result.assert_outcomes(passed=4)


def test_the_fixtures_are_listed_with_their_docs(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--fixtures", *NO_DEV_PLUGINS)
    result.stdout.fnmatch_lines(
        [
            "glue_moto_client -- *glue_bookmarks*pytest_plugin.py:*",
            "    A botocore Glue client on an in-process moto, with job bookmarks.",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "glue_moto_server_url -- *glue_bookmarks*pytest_plugin.py:*",
            "    The URL of a moto server on 127.0.0.1 with job bookmarks, *",
        ]
    )


def test_without_moto_the_plugin_loads_and_its_fixtures_say_how_to_install_it(
    pytester: pytest.Pytester,
) -> None:
    # The child's working directory is on its PYTHONPATH, so this sitecustomize runs first.
    pytester.makepyfile(sitecustomize=NO_MOTO)
    pytester.makepyfile(
        test_users_glue="""
        import glue_bookmarks.testing

        def test_without_the_fixtures():
            assert glue_bookmarks.testing.install

        def test_with_a_fixture(glue_moto_client):
            pass
        """
    )
    result = pytester.runpytest_subprocess(*NO_DEV_PLUGINS, timeout=120)
    result.assert_outcomes(passed=1, errors=1)
    error = (
        f"ImportError: glue_bookmarks.testing needs moto (No module named 'moto'); {INSTALL_HINT}"
    )
    assert any(line.startswith("E ") and line.endswith(error) for line in result.outlines)
