"""The jobs on the alerts queue, as typed records, and their wire format.

The wire format is the JSON the queue (and a held alert's item) carries: a "type" and the job's
fields, exactly as the code before this package wrote them, so a job queued or held by an older
deployment is read by this one. `read` turns a message into its job or refuses it with
`MalformedJobError` (an unknown type, a missing field): such a job can never succeed, so the dispatcher
parks it in the dead-letter queue instead of letting the queue retry it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, ClassVar

from chalicelib.domain.alert_rules import AlertEvent


class MalformedJobError(ValueError):
    """A message that is no alert job this code knows."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason  # unknown_job_type | malformed_job


@dataclass(frozen=True)
class EventJob:
    """A change worth telling someone: expanded into deliveries (or news, or one transactional email)."""

    TYPE: ClassVar[str] = "event"
    event: AlertEvent

    def wire(self) -> dict[str, Any]:
        """The job as the queue carries it."""
        return {"type": self.TYPE, "event": asdict(self.event)}


@dataclass(frozen=True)
class DeliverJob:
    """One alert to one person by one channel (`key`: change × person × channel, sent once)."""

    TYPE: ClassVar[str] = "deliver"
    key: str
    kind: str
    channel: str
    account_id: str
    student_id: str
    language: str
    to: str
    data: dict[str, Any] = field(default_factory=dict)
    template: str | None = None  # transactional kinds name their template; alerts use alert_<kind>

    def wire(self) -> dict[str, Any]:
        """The job as the queue carries it."""
        out = {"type": self.TYPE, **{f.name: getattr(self, f.name) for f in fields(self)}}
        if self.template is None:
            del out["template"]
        return out


@dataclass(frozen=True)
class DigestJob:
    """The evening's email of everything a person chose to read at once."""

    TYPE: ClassVar[str] = "digest"
    key: str
    account_id: str
    to: str
    language: str
    entries: tuple[DeliverJob, ...]

    def wire(self) -> dict[str, Any]:
        """The job as the queue carries it."""
        return {"type": self.TYPE, "key": self.key, "account_id": self.account_id, "to": self.to,
                "language": self.language, "entries": [e.wire() for e in self.entries]}


@dataclass(frozen=True)
class NewsEmailJob:
    """One bulk email of school news to up to 50 families of one language."""

    TYPE: ClassVar[str] = "news_email"
    school_id: str
    news_id: str
    key: str
    language: str
    destinations: tuple[dict[str, str], ...]  # {"to", "language", "unsubscribe"}

    def wire(self) -> dict[str, Any]:
        """The job as the queue carries it."""
        return {"type": self.TYPE, "school_id": self.school_id, "news_id": self.news_id, "key": self.key,
                "language": self.language, "destinations": list(self.destinations)}


@dataclass(frozen=True)
class NewsSmsJob:
    """School news by SMS to up to 50 numbers, each (phone, language, owner's account)."""

    TYPE: ClassVar[str] = "news_sms"
    school_id: str
    news_id: str
    key: str
    phones: tuple[tuple[str, ...], ...]  # older jobs carry (phone, language) without the account

    def wire(self) -> dict[str, Any]:
        """The job as the queue carries it."""
        return {"type": self.TYPE, "channel": "sms", "school_id": self.school_id, "news_id": self.news_id,
                "key": self.key, "phones": [list(p) for p in self.phones]}


Job = EventJob | DeliverJob | DigestJob | NewsEmailJob | NewsSmsJob


def _fields(cls: type, raw: dict[str, Any]) -> dict[str, Any]:
    """The fields of `cls` found in `raw` (fields the record does not have are ignored: a newer
    job read by older code, or the other way round)."""
    return {f.name: raw[f.name] for f in fields(cls) if f.name in raw}


def _deliver(raw: Any) -> DeliverJob:
    if not isinstance(raw, dict):
        raise TypeError("a delivery is an object")
    return DeliverJob(**_fields(DeliverJob, raw))


def read(raw: Any) -> Job:
    """The job a queue message (or a held alert) carries; MalformedJobError when it is none."""
    kind = raw.get("type") if isinstance(raw, dict) else None
    try:
        if kind == EventJob.TYPE:
            event = dict(raw["event"])
            event["class_ids"] = tuple(event.get("class_ids") or ())
            event["account_ids"] = tuple(event.get("account_ids") or ())
            return EventJob(AlertEvent(**_fields(AlertEvent, event)))
        if kind == DeliverJob.TYPE:
            return _deliver(raw)
        if kind == DigestJob.TYPE:
            return DigestJob(raw["key"], raw["account_id"], raw["to"], raw["language"],
                             tuple(_deliver(e) for e in raw["entries"]))
        if kind == NewsEmailJob.TYPE:
            return NewsEmailJob(raw["school_id"], raw["news_id"], raw["key"], raw["language"],
                                tuple(dict(d) for d in raw["destinations"]))
        if kind == NewsSmsJob.TYPE:
            return NewsSmsJob(raw["school_id"], raw["news_id"], raw["key"],
                              tuple(tuple(str(part) for part in p) for p in raw["phones"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise MalformedJobError("malformed_job", f"{kind}: {exc!r}") from exc
    raise MalformedJobError("unknown_job_type", repr(kind)[:100])
