"""The SOP as typed, immutable data: what the loader returns and the workflow reads."""

from __future__ import annotations

from dataclasses import dataclass, field

# The acts the workflow engine can perform; an SOP file arranges them into steps.
ACTIONS: tuple[str, ...] = (
    "assign",
    "direct",
    "submit",
    "review",
    "forward",
    "verify",
    "handover",
    "post",
)
# The people Warta assigns to an item, by role key: who assigned it, its Kasi, its operator.
ENGINE_ROLES: tuple[str, ...] = ("kabid", "kasi", "operator")
DECISION_OUTCOMES: tuple[str, ...] = ("approve", "return")
END = "end"


@dataclass(frozen=True)
class Role:
    key: str
    name: str
    title: str


@dataclass(frozen=True)
class Outcome:
    key: str
    label: str
    goto: int


@dataclass(frozen=True)
class Task:
    action: str
    actor: str
    question: str = ""
    outcomes: tuple[Outcome, ...] = ()

    @property
    def is_decision(self) -> bool:
        return bool(self.outcomes)

    def outcome(self, key: str) -> Outcome:
        for outcome in self.outcomes:
            if outcome.key == key:
                return outcome
        raise KeyError(key)


@dataclass(frozen=True)
class Step:
    number: int
    activity: str
    actor: str
    requirements: tuple[str, ...]
    standard_minutes: int
    output: str
    tasks: tuple[Task, ...]
    next: int | None  # None: the procedure ends after this step (or it only branches)
    remarks: str = ""  # the document's Keterangan column


@dataclass(frozen=True)
class Approver:
    title: str
    name: str
    rank: str = ""
    nip: str = ""


@dataclass(frozen=True)
class Identity:
    title: str
    unit: str
    government: str = ""
    issuer: str = ""
    address: str = ""
    number: str = ""
    date_made: str = ""
    date_revised: str = ""
    date_effective: str = ""
    approved_by: Approver | None = None
    legal_basis: tuple[str, ...] = ()
    qualifications: tuple[str, ...] = ()
    related_procedures: tuple[str, ...] = ()
    equipment: tuple[str, ...] = ()
    warning: str = ""
    recording: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sop:
    slug: str
    version: str
    identity: Identity
    roles: tuple[Role, ...]
    steps: tuple[Step, ...]
    sha256: str = field(default="", compare=False)

    def role(self, key: str) -> Role:
        return next(r for r in self.roles if r.key == key)

    def step(self, number: int) -> Step:
        return next(s for s in self.steps if s.number == number)

    def task_for(self, action: str) -> tuple[Step, Task]:
        """The step and task where an action happens (each action appears once)."""
        for step in self.steps:
            for task in step.tasks:
                if task.action == action:
                    return step, task
        raise KeyError(action)

    def after(self, step: Step, task: Task) -> tuple[Step, Task] | None:
        """The task that follows a non-decision task, or None when the procedure ends."""
        index = step.tasks.index(task)
        if index + 1 < len(step.tasks):
            return step, step.tasks[index + 1]
        if step.next is None:
            return None
        following = self.step(step.next)
        return following, following.tasks[0]

    def first_task_of(self, number: int) -> tuple[Step, Task]:
        step = self.step(number)
        return step, step.tasks[0]

    @property
    def total_standard_minutes(self) -> int:
        return sum(s.standard_minutes for s in self.steps)
