"""The job queue seam: what callers and workers may ask of any queue (SQLite now, a distributed one later).

Callers submit a job description (never audio bytes: references to stored files), read its events in
order and may cancel their own job. Workers claim a job under a lease, keep the lease alive, report
progress and chunks, and finish it. Delivery is at least once, so jobs carry idempotency keys and
runners must be safe to run again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

# Live speech, then a voice note being checked (its sender waits for the answer), then file speech,
# batch, training.
PRIORITY = {"live": 30, "check": 25, "speak": 20, "batch": 10, "train": 0}
KINDS = ("train", "speak", "batch", "check")
WARM_S = 2.0  # how long a speech job waits for a free worker that has its voice loaded
TERMINAL = ("succeeded", "failed", "cancelled")


class QueueError(Exception):
    """A refusal a person can read: ``code`` for programs, ``message`` for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class JobSpec:
    kind: str
    owner_id: int
    payload: dict[str, Any]
    voice_id: str | None = None
    live: bool = False  # speech someone is listening for right now (voice channel)
    idempotency_key: str | None = None
    max_tries: int = 3
    reply_to: dict[str, Any] | None = None  # a chat to deliver the outcome to (opaque to the queue)

    @property
    def priority(self) -> int:
        return PRIORITY["live"] if self.live else PRIORITY[self.kind]


@dataclass(frozen=True, slots=True)
class JobState:
    id: str
    owner_id: int
    kind: str
    voice_id: str | None
    status: str
    priority: int
    current_step: str | None
    percent: float
    attempts: int
    max_tries: int
    error: str | None
    error_code: str | None
    result: dict[str, Any] | None
    created_at: str
    started_at: float | None
    finished_at: float | None
    delivered_at: float | None
    reply_to: dict[str, Any] | None = None
    position: int | None = None  # jobs that run before this one (queued jobs only)
    eta_s: float | None = None  # measured estimate until it is done

    @property
    def done(self) -> bool:
        return self.status in TERMINAL

    def progress_json(self) -> dict[str, Any]:
        """The contract's ``trainingProgress`` shape, for any kind of job."""
        return {
            "currentStep": self.current_step or ("queued" if self.status == "queued" else self.status),
            "percentComplete": round(self.percent, 1),
            "estimatedTimeRemaining": _eta_text(self.eta_s) if not self.done else "none",
            "queuePosition": self.position,
        }


def eta_parts(seconds: float) -> tuple[int, str]:
    """Time left as shown: whole seconds under a minute ("s"), else whole minutes ("min")."""
    return (max(1, round(seconds)), "s") if seconds < 60 else (round(seconds / 60), "min")


def _eta_text(seconds: float | None) -> str:
    return "unknown" if seconds is None else "{} {}".format(*eta_parts(seconds))


@dataclass(frozen=True, slots=True)
class Event:
    seq: int
    type: str  # queued, started, progress, chunk, requeued, done, failed, cancelled
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def terminal(self) -> bool:
        return self.type in ("done", "failed", "cancelled")


@dataclass(frozen=True, slots=True)
class Claim:
    """A job as a worker holds it."""

    id: str
    owner_id: int
    kind: str
    voice_id: str | None
    payload: dict[str, Any]
    attempts: int
    max_tries: int
    checkpoint: dict[str, Any] | None

    @property
    def final_attempt(self) -> bool:
        return self.attempts >= self.max_tries


class JobContext(Protocol):
    """What a runner sees of its job (the worker's ``JobControl`` is one): the claim, its checkpoint,
    progress, chunk events and step boundaries, where a cancel or a stopping worker is noticed."""

    job: Claim
    checkpoint: dict[str, Any] | None

    async def check(self) -> None: ...
    def should_stop(self) -> bool: ...
    async def step(self, name: str, percent: float) -> None: ...
    async def take_turns(self) -> None: ...
    async def emit(self, type: str, data: dict[str, Any]) -> None: ...


class CallerQueue(Protocol):
    """What a caller (a bot, the CLI, the HTTP API) may ask: submit, status, events, cancel. Every
    read is scoped to its owner."""

    notifies: bool  # a change wakes waiters in every process (else those elsewhere poll)

    async def submit(self, spec: JobSpec) -> JobState: ...
    async def get(self, owner_id: int, job_id: str) -> JobState | None: ...
    async def find(self, owner_id: int, idempotency_key: str) -> JobState | None: ...
    async def active(self, owner_id: int, limit: int = 100) -> list[JobState]: ...
    async def latest_for_voice(self, owner_id: int, voice_id: str, kind: str) -> JobState | None: ...
    async def voice_jobs(self, owner_id: int, voice_id: str) -> list[str]:
        """The ids of the owner's jobs that used the voice (their files go with it)."""

    async def events(self, job_id: str, after: int = 0) -> list[Event]: ...
    async def cancel(self, owner_id: int, job_id: str) -> JobState: ...
    async def submitted_since(self, owner_id: int, kind: str, since: str) -> int: ...
    async def live_workers(self) -> int: ...
    async def changed(self, within: float, job_id: str | None = None) -> None:
        """Return when a job changed (an event was written; ``job_id``: that job), or after
        ``within`` seconds: waiters in the writer's process, or anywhere on PostgreSQL
        (LISTEN/NOTIFY), are woken at once; others poll."""


class DeliveryQueue(Protocol):
    """What a front end needs to deliver outcomes once, after a restart too."""

    async def mark_delivered(self, owner_id: int, job_id: str) -> bool: ...
    async def awaiting_delivery(self, platform: str) -> list[JobState]: ...


class WorkerQueue(Protocol):
    """What a worker needs: claim under a lease, keep it, report progress and chunks, finish."""

    async def register_worker(
        self, worker_id: str, kinds: tuple[str, ...], voices: tuple[str, ...] = ()
    ) -> None:
        """Also its heartbeat. ``voices``: those it has loaded and could speak now (a free slot)."""

    async def unregister_worker(self, worker_id: str) -> None: ...
    async def reap(self) -> int: ...
    async def claim(self, worker_id: str, kinds: tuple[str, ...], lease_s: float) -> Claim | None: ...
    async def contended(self, job_id: str) -> bool: ...
    async def cancel_requested(self, job_id: str) -> bool: ...
    async def heartbeat(self, job_id: str, worker_id: str, lease_s: float) -> str: ...
    async def progress(self, job_id: str, worker_id: str, step: str, percent: float) -> bool: ...
    async def save_checkpoint(self, job_id: str, worker_id: str, checkpoint: dict[str, Any]) -> bool: ...
    async def emit(self, job_id: str, worker_id: str, type: str, data: dict[str, Any]) -> bool: ...
    async def complete(self, job_id: str, worker_id: str, result: dict[str, Any]) -> bool: ...
    async def fail(
        self,
        job_id: str,
        worker_id: str,
        code: str,
        message: str,
        retry: bool,
        detail: dict[str, Any] | None = None,
    ) -> bool: ...
    async def release(
        self, job_id: str, worker_id: str, checkpoint: dict[str, Any] | None, reason: str = ...
    ) -> bool: ...
    async def mark_cancelled(self, job_id: str, worker_id: str) -> bool: ...
    async def purge_finished(self, before: float) -> list[tuple[int, str]]: ...
    async def changed(self, within: float, job_id: str | None = None) -> None: ...


class JobQueue(CallerQueue, DeliveryQueue, WorkerQueue, Protocol):
    """An implementation provides all three (``engine.jobs.sqlite.SqliteQueue``); each side is typed
    with only its part."""
