"""The SOP file is validated on load, with one line naming the file, the field and the reason."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from sop.checks import check_sop_file
from sop.loader import SopError, load_sop

SEED = Path(settings.BASE_DIR) / "sops" / "diseminasi-website-sosmed.yaml"


def _broken(tmp_path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(SEED.read_text())
    change(data)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


def _error(path: Path) -> SopError:
    with pytest.raises(SopError) as caught:
        load_sop(path)
    return caught.value


def test_it_loads_the_seed_sop_faithfully() -> None:
    sop = load_sop(SEED)
    assert [s.number for s in sop.steps] == [1, 2, 3, 4, 5, 6, 7]
    assert [s.standard_minutes for s in sop.steps] == [2, 5, 7, 2, 2, 1, 2]
    assert sop.total_standard_minutes == 21
    assert [s.actor for s in sop.steps] == [
        "kabid", "kasi", "operator", "kasi", "kabid", "kasi", "operator",
    ]  # fmt: skip
    assert [r.name for r in sop.roles] == ["Kabid PLIP", "Kasi PIP", "Operator"]
    assert sop.step(1).activity.startswith("Menugaskan Kepala Seksi")
    assert sop.identity.approved_by is not None
    assert sop.identity.approved_by.nip == "19700824 200212 1 003"
    assert len(sop.identity.legal_basis) == 3
    assert sop.identity.recording == ("Informasi kegiatan", "Lokasi kegiatan")
    review = sop.task_for("review")[1]
    assert {o.key: o.goto for o in review.outcomes} == {"approve": 4, "return": 3}
    verify = sop.task_for("verify")[1]
    assert {o.key: o.goto for o in verify.outcomes} == {"approve": 6, "return": 3}


def test_it_names_an_unknown_role(tmp_path: Path) -> None:
    path = _broken(tmp_path, lambda d: d["steps"][1]["tasks"][0].update(actor="kasie"))
    error = _error(path)
    assert error.field == "steps[1].tasks[0].actor"
    assert "unknown role 'kasie'" in error.reason
    assert str(error).startswith(f"{path}: steps[1].tasks[0].actor: ")
    assert "\n" not in str(error)


def test_it_names_a_missing_standard_time(tmp_path: Path) -> None:
    path = _broken(tmp_path, lambda d: d["steps"][4].pop("standard_minutes"))
    error = _error(path)
    assert (error.field, error.reason) == ("steps[4].standard_minutes", "missing")


def test_it_refuses_a_standard_time_that_is_not_a_positive_number(tmp_path: Path) -> None:
    path = _broken(tmp_path, lambda d: d["steps"][0].update(standard_minutes="dua"))
    assert _error(path).field == "steps[0].standard_minutes"


def test_it_names_a_branch_to_a_step_that_does_not_exist(tmp_path: Path) -> None:
    path = _broken(
        tmp_path, lambda d: d["steps"][4]["tasks"][0]["outcomes"]["return"].update(goto=9)
    )
    error = _error(path)
    assert error.field == "steps[4].tasks[0].outcomes.return.goto"
    assert "step 9" in error.reason


def test_it_names_a_duplicate_step_number(tmp_path: Path) -> None:
    path = _broken(tmp_path, lambda d: d["steps"][3].update(number=3))
    error = _error(path)
    assert error.field == "steps[3].number"
    assert "duplicate step number 3" in error.reason


def test_it_names_a_next_step_that_does_not_exist(tmp_path: Path) -> None:
    path = _broken(tmp_path, lambda d: d["steps"][0].update(next=12))
    assert _error(path).field == "steps[0].next"


def test_it_refuses_an_unknown_action(tmp_path: Path) -> None:
    path = _broken(tmp_path, lambda d: d["steps"][5]["tasks"][0].update(action="publish"))
    error = _error(path)
    assert error.field == "steps[5].tasks[0].action"


def test_it_refuses_invalid_yaml(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("steps: [1, 2\nroles: {")
    assert _error(path).reason == "is not valid YAML"


def test_it_reports_a_missing_file(tmp_path: Path) -> None:
    assert "cannot be read" in _error(tmp_path / "absent.yaml").reason


def test_the_system_check_stops_django_with_a_malformed_file(
    tmp_path: Path,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.SOP_FILE = _broken(tmp_path, lambda d: d["steps"][2].pop("standard_minutes"))
    errors = check_sop_file()
    assert [e.id for e in errors] == ["sop.E001"]
    assert "steps[2].standard_minutes: missing" in errors[0].msg


@pytest.mark.django_db
def test_load_sop_records_the_version_once(settings) -> None:  # type: ignore[no-untyped-def]
    from sop.models import SopVersion

    call_command("load_sop")
    call_command("load_sop")
    assert SopVersion.objects.count() == 1
    assert SopVersion.objects.get().sha256 == load_sop(SEED).sha256


@pytest.mark.django_db
def test_load_sop_fails_with_one_line(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SOP_FILE = _broken(tmp_path, lambda d: d["roles"].pop(0))
    with pytest.raises(CommandError) as caught:
        call_command("load_sop")
    assert str(caught.value).startswith(f"{settings.SOP_FILE}: steps[0].actor: unknown role")
