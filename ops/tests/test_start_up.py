"""A malformed SOP file stops start-up with one line naming the file, the field and the reason."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

SEED_SOP = django_settings.BASE_DIR / "sops" / "diseminasi-website-sosmed.yaml"


def unknown_role(sop: dict[str, Any]) -> None:
    sop["steps"][0]["actor"] = "bupati"


def missing_standard_time(sop: dict[str, Any]) -> None:
    del sop["steps"][1]["standard_minutes"]


def branch_to_missing_step(sop: dict[str, Any]) -> None:
    sop["steps"][2]["tasks"][1]["outcomes"]["return"]["goto"] = 9


def duplicate_step_number(sop: dict[str, Any]) -> None:
    sop["steps"][3]["number"] = 3


BROKEN: list[tuple[Callable[[dict[str, Any]], None], str, str]] = [
    (unknown_role, "steps[0].actor", "unknown role 'bupati'"),
    (missing_standard_time, "steps[1].standard_minutes", "missing"),
    (branch_to_missing_step, "steps[2].tasks[1].outcomes.return.goto", "does not exist"),
    (duplicate_step_number, "steps[3].number", "duplicate step number 3"),
]


def broken_copy(tmp_path: Path, breakage: Callable[[dict[str, Any]], None]) -> Path:
    sop = yaml.safe_load(SEED_SOP.read_text(encoding="utf-8"))
    breakage(sop)
    path = tmp_path / f"{breakage.__name__}.yaml"
    path.write_text(yaml.safe_dump(sop, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(("breakage", "field", "reason"), BROKEN, ids=lambda v: str(v))
def test_it_names_the_file_and_the_field_in_one_line(
    tmp_path: Path,
    settings: Any,
    breakage: Callable[[dict[str, Any]], None],
    field: str,
    reason: str,
) -> None:
    settings.SOP_FILE = broken_copy(tmp_path, breakage)

    with pytest.raises(CommandError) as excinfo:
        call_command("load_sop")

    message = str(excinfo.value)
    assert "\n" not in message
    assert message.startswith(f"{settings.SOP_FILE}: {field}: ")
    assert reason in message


def test_it_stops_start_up_with_exit_1_and_one_line(tmp_path: Path) -> None:
    sop_file = broken_copy(tmp_path, branch_to_missing_step)
    env = {**os.environ, "WARTA_SOP_FILE": str(sop_file), "WARTA_VAR_DIR": str(tmp_path / "var")}

    result = subprocess.run(
        [sys.executable, "manage.py", "load_sop"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(sop_file) in lines[0]
    assert "steps[2].tasks[1].outcomes.return.goto" in lines[0]
    assert "leads to step 9, which does not exist" in lines[0]


def test_it_loads_the_seed_sop(db: None) -> None:
    from io import StringIO

    out = StringIO()
    call_command("load_sop", stdout=out)

    assert "7 steps" in out.getvalue()


def test_prepare_stops_before_touching_the_database(tmp_path: Path) -> None:
    sop_file = broken_copy(tmp_path, duplicate_step_number)
    var = tmp_path / "var"
    env = {**os.environ, "WARTA_SOP_FILE": str(sop_file), "WARTA_VAR_DIR": str(var)}
    env.pop("DATABASE_URL", None)

    result = subprocess.run(
        [sys.executable, "manage.py", "prepare"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"CommandError: {sop_file}: steps[3].number: duplicate step number 3"
    ]
    assert not (var / "warta.sqlite3").exists()


def test_prepare_readies_an_empty_database(
    db: None, tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from io import StringIO

    from accounts.models import User
    from sop.models import SopVersion

    settings.STATIC_ROOT = tmp_path / "static"
    # Plain copies: the compressed manifest storage takes seconds and is whitenoise's to test.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    monkeypatch.setenv("WARTA_DEMO_PASSWORD", "sandi-uji-2026")
    out = StringIO()

    call_command("prepare", stdout=out, verbosity=0)

    assert SopVersion.objects.count() == 1
    assert User.objects.get(username="admin").check_password("sandi-uji-2026")
    assert (tmp_path / "static" / "admin").is_dir()
    assert "7 steps" in out.getvalue()
    assert "skipped" not in out.getvalue()


def test_prepare_skips_what_is_already_done(db: None, tmp_path: Path, settings: Any) -> None:
    from io import StringIO

    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("prepare", stdout=StringIO(), verbosity=0)
    (tmp_path / "static" / "admin").rename(tmp_path / "static" / "moved")
    out = StringIO()

    call_command("prepare", stdout=out, verbosity=0)

    assert "static files unchanged; skipped" in out.getvalue()
    assert "seed_demo: the database already holds data; skipped" in out.getvalue()
    assert not (tmp_path / "static" / "admin").exists()
