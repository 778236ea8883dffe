"""Load an SOP definition file and validate it, failing with the file, the field and the reason."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml

from sop.definition import (
    ACTIONS,
    DECISION_OUTCOMES,
    END,
    ENGINE_ROLES,
    Approver,
    Identity,
    Outcome,
    Role,
    Sop,
    Step,
    Task,
)


class SopError(Exception):
    """A malformed SOP file; ``str()`` is one line: ``file: field: reason``."""

    def __init__(self, path: Path | str, field: str, reason: str) -> None:
        self.path, self.field, self.reason = str(path), field, reason
        super().__init__(f"{self.path}: {field}: {reason}")


class _Reader:
    """Typed access to the parsed YAML that raises SopError naming the field path."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, field: str, reason: str) -> SopError:
        return SopError(self.path, field, reason)

    def mapping(self, value: Any, field: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(field, "must be a mapping")
        return value

    def text(self, data: dict[str, Any], key: str, where: str, *, required: bool = True) -> str:
        field = f"{where}.{key}" if where else key
        value = data.get(key)
        if value is None or value == "":
            if required:
                raise self.fail(field, "missing")
            return ""
        if not isinstance(value, str | int | float):
            raise self.fail(field, "must be text")
        return str(value).strip()

    def texts(self, data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = data.get(key, [])
        field = f"{where}.{key}" if where else key
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(field, "must be a list of text")
        return tuple(v.strip() for v in value)

    def positive_int(self, data: dict[str, Any], key: str, where: str) -> int:
        field = f"{where}.{key}"
        if key not in data or data[key] is None:
            raise self.fail(field, "missing")
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise self.fail(field, f"must be a whole number above 0, not {value!r}")
        return value


def load_sop(path: Path | str) -> Sop:
    """Parse and validate an SOP file; raises SopError on the first problem found."""
    path = Path(path)
    try:
        raw_bytes = path.read_bytes()
    except OSError as exc:
        raise SopError(path, "(file)", f"cannot be read ({exc.strerror})") from exc
    return parse_sop(raw_bytes, path)


def parse_sop(raw_bytes: bytes, path: Path | str) -> Sop:
    """Validate SOP source text; ``path`` only names it in error messages."""
    reader = _Reader(Path(path))
    try:
        raw = yaml.safe_load(raw_bytes)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        raise reader.fail(where, "is not valid YAML") from exc
    data = reader.mapping(raw, "(file)")

    roles = _roles(reader, data.get("roles"))
    role_keys = {r.key for r in roles}
    steps = _steps(reader, data.get("steps"), role_keys)
    _check_graph(reader, steps)
    return Sop(
        slug=reader.text(data, "slug", ""),
        version=reader.text(data, "version", ""),
        identity=_identity(reader, data.get("identity")),
        roles=roles,
        steps=steps,
        sha256=hashlib.sha256(raw_bytes).hexdigest(),
    )


def _identity(reader: _Reader, value: Any) -> Identity:
    data = reader.mapping(value, "identity")
    approver = None
    if data.get("approved_by") is not None:
        a = reader.mapping(data["approved_by"], "identity.approved_by")
        where = "identity.approved_by"
        approver = Approver(
            title=reader.text(a, "title", where),
            name=reader.text(a, "name", where),
            rank=reader.text(a, "rank", where, required=False),
            nip=reader.text(a, "nip", where, required=False),
        )
    optional = {
        key: reader.text(data, key, "identity", required=False)
        for key in ("government", "issuer", "address", "number", "date_made", "date_revised")
    }
    return Identity(
        title=reader.text(data, "title", "identity"),
        unit=reader.text(data, "unit", "identity"),
        date_effective=reader.text(data, "date_effective", "identity", required=False),
        approved_by=approver,
        legal_basis=reader.texts(data, "legal_basis", "identity"),
        qualifications=reader.texts(data, "qualifications", "identity"),
        related_procedures=reader.texts(data, "related_procedures", "identity"),
        equipment=reader.texts(data, "equipment", "identity"),
        warning=reader.text(data, "warning", "identity", required=False),
        recording=reader.texts(data, "recording", "identity"),
        **optional,
    )


def _roles(reader: _Reader, value: Any) -> tuple[Role, ...]:
    if not isinstance(value, list) or not value:
        raise reader.fail("roles", "must be a non-empty list")
    roles: list[Role] = []
    for i, item in enumerate(value):
        where = f"roles[{i}]"
        data = reader.mapping(item, where)
        role = Role(
            key=reader.text(data, "key", where),
            name=reader.text(data, "name", where),
            title=reader.text(data, "title", where, required=False),
        )
        if role.key in {r.key for r in roles}:
            raise reader.fail(f"{where}.key", f"duplicate role {role.key!r}")
        roles.append(role)
    return tuple(roles)


def _role_ref(reader: _Reader, data: dict[str, Any], where: str, role_keys: set[str]) -> str:
    key = reader.text(data, "actor", where)
    if key not in role_keys:
        known = ", ".join(sorted(role_keys))
        raise reader.fail(f"{where}.actor", f"unknown role {key!r} (known: {known})")
    if key not in ENGINE_ROLES:
        raise reader.fail(
            f"{where}.actor", f"role {key!r} cannot act in Warta (use: {', '.join(ENGINE_ROLES)})"
        )
    return key


def _steps(reader: _Reader, value: Any, role_keys: set[str]) -> tuple[Step, ...]:
    if not isinstance(value, list) or not value:
        raise reader.fail("steps", "must be a non-empty list")
    steps: list[Step] = []
    for i, item in enumerate(value):
        where = f"steps[{i}]"
        data = reader.mapping(item, where)
        number = reader.positive_int(data, "number", where)
        if number in {s.number for s in steps}:
            raise reader.fail(f"{where}.number", f"duplicate step number {number}")
        steps.append(
            Step(
                number=number,
                activity=reader.text(data, "activity", where),
                actor=_role_ref(reader, data, where, role_keys),
                requirements=reader.texts(data, "requirements", where),
                standard_minutes=reader.positive_int(data, "standard_minutes", where),
                output=reader.text(data, "output", where, required=False),
                tasks=_tasks(reader, data.get("tasks"), f"{where}.tasks", role_keys),
                next=_next(reader, data, where),
                remarks=reader.text(data, "remarks", where, required=False),
            )
        )
    return tuple(steps)


def _next(reader: _Reader, data: dict[str, Any], where: str) -> int | None:
    value = data.get("next")
    if value is None or value == END:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise reader.fail(f"{where}.next", f"must be a step number or {END!r}, not {value!r}")
    return value


def _tasks(reader: _Reader, value: Any, where: str, role_keys: set[str]) -> tuple[Task, ...]:
    if not isinstance(value, list) or not value:
        raise reader.fail(where, "must be a non-empty list")
    tasks: list[Task] = []
    for i, item in enumerate(value):
        here = f"{where}[{i}]"
        data = reader.mapping(item, here)
        action = reader.text(data, "action", here)
        if action not in ACTIONS:
            raise reader.fail(
                f"{here}.action", f"unknown action {action!r} (known: {', '.join(ACTIONS)})"
            )
        tasks.append(
            Task(
                action=action,
                actor=_role_ref(reader, data, here, role_keys),
                question=reader.text(data, "question", here, required=False),
                outcomes=_outcomes(reader, data.get("outcomes"), f"{here}.outcomes"),
            )
        )
    return tuple(tasks)


def _outcomes(reader: _Reader, value: Any, where: str) -> tuple[Outcome, ...]:
    if value is None:
        return ()
    data = reader.mapping(value, where)
    if set(data) != set(DECISION_OUTCOMES):
        raise reader.fail(where, f"a decision needs exactly the outcomes {DECISION_OUTCOMES}")
    outcomes = []
    for key in DECISION_OUTCOMES:
        here = f"{where}.{key}"
        branch = reader.mapping(data[key], here)
        goto = branch.get("goto")
        if isinstance(goto, bool) or not isinstance(goto, int):
            raise reader.fail(f"{here}.goto", f"must be a step number, not {goto!r}")
        outcomes.append(Outcome(key=key, label=reader.text(branch, "label", here), goto=goto))
    return tuple(outcomes)


def _check_graph(reader: _Reader, steps: tuple[Step, ...]) -> None:
    """Every branch leads to a step that exists; every action the engine needs appears once."""
    numbers = {s.number for s in steps}
    seen: dict[str, str] = {}
    for i, step in enumerate(steps):
        if step.next is not None and step.next not in numbers:
            raise reader.fail(
                f"steps[{i}].next", f"leads to step {step.next}, which does not exist"
            )
        for j, task in enumerate(step.tasks):
            here = f"steps[{i}].tasks[{j}]"
            if task.action in seen:
                raise reader.fail(
                    f"{here}.action", f"{task.action!r} already appears at {seen[task.action]}"
                )
            seen[task.action] = here
            for outcome in task.outcomes:
                if outcome.goto not in numbers:
                    raise reader.fail(
                        f"{here}.outcomes.{outcome.key}.goto",
                        f"leads to step {outcome.goto}, which does not exist",
                    )
    missing = [a for a in ACTIONS if a not in seen]
    if missing:
        raise reader.fail("steps", f"no step performs the action(s): {', '.join(missing)}")
    for action in ("review", "verify"):
        if not next(t for s in steps for t in s.tasks if t.action == action).is_decision:
            raise reader.fail(f"{seen[action]}.outcomes", f"{action!r} is a decision: missing")
