"""The FHIR R4 (4.0.1) export: one `Bundle` of type `collection` a clinical system can read.

Pure: it is handed the records, the catalog, a key for the data file and the person's time zone,
and returns plain JSON-ready dicts. What goes where, and every code used with its source, is in
the README ("For your physiotherapist"); the tests validate every bundle with `fhir.resources`.

Times: rehab stores naive local times (planner/clock.py). FHIR wants an offset on every time, so
each moment gets the offset that was in force at that moment in the person's zone (`zone`, an
IANA zone), which is right on both sides of a daylight-saving change. A wall-clock time that
happened twice (the hour repeated in autumn) takes the first; one that never happened (the hour
skipped in spring) takes the offset from before the change. With no zone known, the system's
own rules for local time give the offset of each moment.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from planner.formats import ExportAsk, NothingToExport
from planner.formats.shared import Records, file_key
from planner.gate import alarm_end_words, is_alarm
from planner.models import (
    CONDITION_LABELS,
    REACH_SHORT,
    Bout,
    Catalog,
    CheckIn,
    Condition,
    Dose,
    Plan,
    Profile,
    PsfsRating,
    Reach,
    Screening,
    Session,
    Walk,
)
from planner.safety import SIGNS
from planner.text import u_escaped

FHIR_VERSION = "4.0.1"
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
#: rehab's own identifiers and the extensions it uses (the sets of a dose, its hold).
FILE_SYSTEM = "urn:rehab-planner:data-file"
SETS_EXTENSION = "urn:rehab-planner:dose-sets"
#: The hold of one repetition, in seconds (the Timing's duration is the whole performance).
HOLD_EXTENSION = "urn:rehab-planner:dose-hold-seconds"

Code = tuple[str, str, str]  # system, code, display

#: LOINC 72514-3, the 0–10 numeric pain rating (the issue's code; loinc.org/72514-3).
PAIN: Code = (LOINC, "72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")
#: Where a pain rating is felt: SNOMED CT body structures.
BACK_SITE: Code = (SNOMED, "37822005", "Lower back structure")
LEG_SITE: Code = (SNOMED, "61685007", "Lower limb structure")
#: A session or a bout of exercises, and each exercise of the plan: SNOMED CT "Exercise therapy".
EXERCISE_THERAPY: Code = (SNOMED, "229065009", "Exercise therapy")
#: A walk: SNOMED CT "Walking" (observable entity); its minutes in UCUM.
WALKING: Code = (SNOMED, "129006008", "Walking")
#: The conditions rehab knows, in SNOMED CT where a concept says the same, and in WHO ICD-10.
CONDITION_CODES: dict[Condition, tuple[Code, ...]] = {
    Condition.LDH: ((ICD10, "M51.2", "Other specified intervertebral disc displacement"),),
    Condition.SCIATICA: ((SNOMED, "23056005", "Sciatica"), (ICD10, "M54.3", "Sciatica")),
    Condition.LUMBAGO: ((SNOMED, "279039007", "Low back pain"), (ICD10, "M54.5", "Low back pain")),
    Condition.NO_KNOWN_CAUSE: (
        (SNOMED, "279039007", "Low back pain"),
        (ICD10, "M54.5", "Low back pain"),
    ),
}
_STATUS = {"done": "completed", "partial": "stopped", "skipped": "not-done"}
_WHEN = {"morning": ["MORN"], "evening": ["EVE"]}


def offset_time(moment: datetime, zone: tzinfo | None) -> str:
    """`moment` (naive local) as an ISO time with the UTC offset in force then in `zone`."""
    aware = moment.astimezone() if zone is None else moment.replace(tzinfo=zone, fold=0)
    return aware.isoformat(timespec="seconds")


@dataclass(frozen=True)
class FhirData:
    """What the bundle is made of: the records, each already limited by `--since` and oldest
    first; each is read once, so they may come one at a time from the store."""

    profile: Profile | None
    plan: Plan | None
    checkins: Iterable[CheckIn] = ()
    sessions: Iterable[Session] = ()
    walks: Iterable[Walk] = ()
    bouts: Iterable[Bout] = ()
    psfs: Iterable[PsfsRating] = ()
    #: Screenings: those with a same-day sign, and those that said why one ended, go in.
    screenings: Sequence[Screening] = ()


def concept(text: str, *codes: Code) -> dict[str, Any]:
    """A CodeableConcept: the codes that say it, and always the words."""
    value: dict[str, Any] = {"text": text}
    if codes:
        value["coding"] = [{"system": s, "code": c, "display": d} for s, c, d in codes]
    return value


#: A condition's clinical status.
ACTIVE = concept("Active", (CONDITION_CLINICAL, "active", "Active"))
#: What the person told rehab, not a diagnosis a clinician made.
UNCONFIRMED = concept("Unconfirmed", (CONDITION_VERIFICATION, "unconfirmed", "Unconfirmed"))


#: The kinds of bundle `rehab export --format fhir --bundle` writes: a `collection` to read, or
#: a `transaction` a FHIR server ingests (each entry says how: `request`).
BUNDLE_TYPES = ("collection", "transaction")


class _Bundle:
    """Entries with unique `urn:uuid` addresses derived from the file's key and each record."""

    def __init__(self, file_key: str, zone: tzinfo | None, kind: str = "collection") -> None:
        self.key = file_key
        self.zone = zone
        self.transaction = kind == "transaction"
        self.entries: list[dict[str, Any]] = []

    def address(self, kind: str, record_id: str) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"rehab-planner:{self.key}:{kind}:{record_id}"))

    def drain(self) -> list[dict[str, Any]]:
        """The entries added since the last drain, handed out once (`entries` streams them)."""
        added, self.entries = self.entries, []
        return added

    def add(self, kind: str, record_id: str, resource: dict[str, Any]) -> str:
        """Add `resource` and return the reference other resources use for it."""
        rid = self.address(kind, record_id)
        url = f"urn:uuid:{rid}"
        if kind == "Observation" and "performer" not in resource:
            # Every observation rehab holds is the person's own report.
            resource = {**resource, "performer": [resource["subject"]]}
        entry: dict[str, Any] = {
            "fullUrl": url,
            "resource": {"resourceType": kind, "id": rid, **resource},
        }
        if self.transaction:
            entry["request"] = _request(kind, rid, resource)
        self.entries.append(entry)
        return url

    def time(self, moment: datetime) -> str:
        return offset_time(moment, self.zone)


def _request(kind: str, rid: str, resource: dict[str, Any]) -> dict[str, str]:
    """How a server takes an entry of a transaction. The Patient is created only if none has
    the data file's identifier (a clinic that has it keeps it, and the references point to
    it); every other resource is put at its own id, derived from the record, so sending the
    same file twice updates rather than duplicates."""
    if kind == "Patient":
        [identifier] = resource["identifier"]
        return {
            "method": "POST",
            "url": "Patient",
            "ifNoneExist": f"identifier={identifier['system']}|{identifier['value']}",
        }
    return {"method": "PUT", "url": f"{kind}/{rid}"}


def head(
    now: datetime,
    file_key: str,
    zone: tzinfo | None,
    since: date | None,
    kind: str = "collection",
) -> dict[str, Any]:
    """The bundle without its entries: "entry" comes last, after these."""
    out = _Bundle(file_key, zone)
    # `now` is the machine's clock: the true instant, said in the zone of the records.
    instant = now.astimezone().astimezone(zone) if zone is not None else now.astimezone()
    result: dict[str, Any] = {
        "resourceType": "Bundle",
        # From the data, as every fullUrl is: the same file and window give the same bundle.
        "id": out.address("Bundle", since.isoformat() if since is not None else "all"),
        "meta": {"tag": [{"system": "urn:rehab-planner:fhir-version", "code": FHIR_VERSION}]},
        "type": kind,
        "timestamp": instant.isoformat(timespec="seconds"),
    }
    if since is not None:
        result["meta"]["tag"].append(
            {"system": "urn:rehab-planner:since", "code": since.isoformat()}
        )
    return result


def entries(
    catalog: Catalog,
    data: FhirData,
    file_key: str,
    zone: tzinfo | None,
    kind: str = "collection",
) -> Iterator[dict[str, Any]]:
    """The bundle's entries in order, a record's at a time: ten years of them need never be
    held at once (the store writes them as they come)."""
    out = _Bundle(file_key, zone, kind)
    patient = out.add(
        "Patient",
        "patient",
        {
            # Pseudonymous: rehab never asks for a name; the id is the data file's.
            "identifier": [{"system": FILE_SYSTEM, "value": file_key}],
            "active": True,
        },
    )
    subject = {"reference": patient}
    conditions = _conditions(out, data.profile, subject)
    if data.plan is not None:
        _care_plan(out, catalog, data.plan, subject, conditions)
    yield from out.drain()
    for checkin in data.checkins:
        _ratings(
            out,
            subject,
            checkin.id,
            checkin.at,
            "at a check-in",
            checkin.pain,
            checkin.leg_pain,
            checkin.reach,
            checkin.note,
        )
        yield from out.drain()
    for session in data.sessions:
        _session(out, catalog, subject, session)
        yield from out.drain()
    for walk in data.walks:
        _walk(out, subject, walk)
        yield from out.drain()
    for bout in data.bouts:
        name = catalog.name_of(bout.exercise_id)
        out.add(
            "Procedure",
            f"bout-{bout.id}",
            {
                "status": "completed",
                "code": concept(f"Exercise bout: {name}", EXERCISE_THERAPY),
                "subject": subject,
                "performedDateTime": out.time(bout.at),
            },
        )
        yield from out.drain()
    for screening in data.screenings:
        _alarm(out, subject, screening)
        yield from out.drain()
    for rating in data.psfs:
        out.add(
            "Observation",
            f"psfs-{rating.id}",
            {
                "status": "final",
                "category": [_category("survey", "Survey")],
                "code": concept("Patient-Specific Functional Scale (PSFS), 0 unable to 10 able"),
                "subject": subject,
                "effectiveDateTime": out.time(rating.at),
                "component": [
                    {"code": concept(item.activity), "valueInteger": item.score}
                    for item in rating.items
                ],
                "note": [{"text": f"Mean {rating.mean:.1f} over {len(rating.items)} activities."}],
            },
        )
    yield from out.drain()


def _category(code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": OBSERVATION_CATEGORY, "code": code, "display": display}]}


def _conditions(
    out: _Bundle, profile: Profile | None, subject: dict[str, Any]
) -> list[dict[str, str]]:
    if profile is None:
        return []
    refs = []
    for condition in profile.conditions:
        refs.append(
            {
                "reference": out.add(
                    "Condition",
                    f"condition-{condition.value}",
                    {
                        "clinicalStatus": ACTIVE,
                        "verificationStatus": UNCONFIRMED,
                        "code": concept(
                            CONDITION_LABELS[condition], *CONDITION_CODES.get(condition, ())
                        ),
                        "subject": subject,
                        "onsetDateTime": profile.episode_start.isoformat(),
                        "recordedDate": out.time(profile.disclaimer_accepted_at),
                        "asserter": subject,
                        "note": [{"text": "As the person described it in rehab; not a diagnosis."}],
                    },
                )
            }
        )
    if profile.stenosis:
        refs.append(
            {
                "reference": out.add(
                    "Condition",
                    "condition-stenosis",
                    {
                        "clinicalStatus": ACTIVE,
                        "verificationStatus": UNCONFIRMED,
                        "code": concept("Spinal stenosis, as the person told rehab"),
                        "subject": subject,
                        "asserter": subject,
                    },
                )
            }
        )
    return refs


def _ratings(
    out: _Bundle,
    subject: dict[str, Any],
    record_id: str,
    at: datetime,
    when: str,
    back: int | None,
    leg: int | None,
    reach: Reach | None,
    note: str = "",
    part_of: str | None = None,
    pain: int | None = None,
) -> None:
    """One Observation per pain rating (back, leg, or `pain` where it was not said) and one for
    the reach, at `at`."""
    common: dict[str, Any] = {
        "status": "final",
        "subject": subject,
        "effectiveDateTime": out.time(at),
    }
    if part_of is not None:
        common["partOf"] = [{"reference": part_of}]
    notes = [{"text": when}] + ([{"text": note}] if note else [])
    for site, value, body, words in (
        ("back", back, concept("lower back", BACK_SITE), "Back pain"),
        ("leg", leg, concept("leg", LEG_SITE), "Leg pain"),
        ("anywhere", pain, None, "Pain"),
    ):
        if value is None:
            continue
        rating = {
            **common,
            "category": [_category("survey", "Survey")],
            "code": concept(f"{words}, 0–10", PAIN),
            "valueInteger": value,
            "note": notes,
        }
        if body is not None:
            rating["bodySite"] = body
        out.add("Observation", f"{record_id}-{when}-{site}", rating)
    if reach is not None:
        out.add(
            "Observation",
            f"{record_id}-{when}-reach",
            {
                **common,
                "category": [_category("survey", "Survey")],
                "code": concept("How far down the leg the symptoms reach"),
                "bodySite": concept("leg", LEG_SITE),
                "valueCodeableConcept": concept(REACH_SHORT[reach]),
                "note": [{"text": when}],
            },
        )


def _session(out: _Bundle, catalog: Catalog, subject: dict[str, Any], session: Session) -> None:
    done = sum(1 for e in session.entries if e.done)
    minutes = (
        round((session.ended_at - session.started_at).total_seconds() / 60)
        if session.ended_at
        else None
    )
    words = f"{done} of {len(session.entries)} exercises done in full"
    if minutes is not None:
        words = f"{minutes} min; " + words
    period: dict[str, str] = {"start": out.time(session.started_at)}
    if session.ended_at is not None:
        period["end"] = out.time(session.ended_at)
    resource: dict[str, Any] = {
        "status": _STATUS[session.outcome],
        "code": concept(
            f"Home exercise session ({session.slot}), stage {session.stage}", EXERCISE_THERAPY
        ),
        "subject": subject,
        "performedPeriod": period,
        "note": [{"text": words}],
    }
    if session.note:
        resource["note"].append({"text": session.note})
    ref = out.add("Procedure", f"session-{session.id}", resource)
    _ratings(
        out,
        subject,
        session.id,
        session.started_at,
        "before the session",
        session.pain_before,
        session.leg_before,
        session.reach_before,
        part_of=ref,
    )
    if session.pain_after is not None or session.leg_after is not None:
        _ratings(
            out,
            subject,
            session.id,
            session.ended_at or session.started_at,
            "after the session",
            session.pain_after,
            session.leg_after,
            session.reach_after,
            part_of=ref,
        )
    for index, entry in enumerate(session.entries):
        if entry.pain_when_stopped is None:
            continue
        _ratings(
            out,
            subject,
            f"{session.id}-{index}",
            session.ended_at or session.started_at,
            f"when {catalog.name_of(entry.exercise_id)} was stopped because it hurt",
            None,
            None,
            None,
            part_of=ref,
            pain=entry.pain_when_stopped,
        )


def _alarm(out: _Bundle, subject: dict[str, Any], screening: Screening) -> None:
    """A same-day warning sign answered yes, and an all-clear that said why one ended, each
    as a patient-reported Observation (words only: no code is claimed for them)."""
    if is_alarm(screening):
        signs = [
            SIGNS[key].question
            for key, yes in screening.answers.items()
            if yes and key in SIGNS and SIGNS[key].level == "emergency"
        ]
        out.add(
            "Observation",
            f"alarm-{screening.id}",
            {
                "status": "final",
                "category": [_category("survey", "Survey")],
                "code": concept("Warning sign needing medical help the same day"),
                "subject": subject,
                "performer": [subject],
                "effectiveDateTime": out.time(screening.at),
                "valueBoolean": True,
                "note": [{"text": "Answered yes: " + ("; ".join(signs) or "not recorded")}],
            },
        )
    ended = alarm_end_words(screening)
    if ended:
        out.add(
            "Observation",
            f"alarm-ended-{screening.id}",
            {
                "status": "final",
                "category": [_category("survey", "Survey")],
                "code": concept("Why a same-day warning sign ended"),
                "subject": subject,
                "performer": [subject],
                "effectiveDateTime": out.time(screening.at),
                "valueString": ended[0].upper() + ended[1:] + ".",
            },
        )


def _walk(out: _Bundle, subject: dict[str, Any], walk: Walk) -> None:
    resource: dict[str, Any] = {
        "status": "final",
        "category": [_category("activity", "Activity")],
        "code": concept("Walk, minutes", WALKING),
        "subject": subject,
        "effectiveDateTime": out.time(walk.at),
        "valueQuantity": {"value": walk.minutes, "unit": "min", "system": UCUM, "code": "min"},
        "method": concept("backward walking" if walk.backward else "forward walking"),
    }
    if walk.note:
        resource["note"] = [{"text": walk.note}]
    out.add("Observation", f"walk-{walk.id}", resource)
    _ratings(
        out,
        subject,
        walk.id,
        walk.at,
        f"after a {walk.minutes}-minute walk",
        walk.pain_after,
        walk.leg_after,
        walk.reach_after,
    )


def dose_timing(dose: Dose, slot: str) -> dict[str, Any]:
    """A dose as a FHIR Timing: times a day; `duration`, how long one performance takes (its
    sets, reps, holds and rests, in minutes, `Dose.seconds`); the time of day; the words
    (`Dose.label`) go with it. The hold of one rep is not a duration: it is an extension."""
    repeat: dict[str, Any] = {"frequency": dose.per_day, "period": 1, "periodUnit": "d"}
    minutes = dose.minutes if dose.minutes is not None else max(round(dose.seconds() / 60, 1), 0.1)
    repeat |= {"duration": minutes, "durationUnit": "min"}
    if slot in _WHEN:
        repeat["when"] = _WHEN[slot]
    return {"repeat": repeat, "code": {"text": dose.label()}}


def _care_plan(
    out: _Bundle,
    catalog: Catalog,
    plan: Plan,
    subject: dict[str, Any],
    conditions: Iterable[dict[str, str]],
) -> None:
    stage = catalog.stages.get(plan.stage)
    activities = []
    for p in plan.prescriptions:
        detail: dict[str, Any] = {
            "code": concept(catalog.name_of(p.exercise_id), EXERCISE_THERAPY),
            "status": "in-progress" if plan.status == "active" else "on-hold",
            "description": f"{p.dose.label()} ({'any time' if p.slot == 'any' else p.slot})",
            "scheduledTiming": dose_timing(p.dose, p.slot),
            "extension": [{"url": SETS_EXTENSION, "valueInteger": p.dose.sets}],
        }
        if p.dose.hold_s is not None:
            detail["extension"].append({"url": HOLD_EXTENSION, "valueInteger": p.dose.hold_s})
        if p.dose.reps is not None:
            detail["quantity"] = {"value": p.dose.reps, "unit": "repetitions per set"}
        activities.append({"detail": detail})
    resource: dict[str, Any] = {
        "status": "active" if plan.status == "active" else "on-hold",
        "intent": "plan",
        "title": f"Stage {plan.stage}: {stage.name if stage else ''}".rstrip(": "),
        "subject": subject,
        "period": {"start": out.time(plan.created_at)},
        "created": out.time(plan.created_at),
        "addresses": list(conditions),
        "activity": activities,
    }
    if stage is not None:
        resource["description"] = stage.aim
    notes = []
    if plan.status == "paused" and plan.pause_reason:
        notes.append({"text": f"Paused: {plan.pause_reason}"})
    if plan.source is not None:
        notes.append(
            {
                "text": f"From {plan.source.who}: written by them, loaded by the person; dose "
                "steps stay within these doses."
            }
        )
        if plan.source.note:
            notes.append({"text": plan.source.note})
    if notes:
        resource["note"] = notes
    out.add("CarePlan", f"plan-{plan.id}", resource)


def pieces(repo: Records, ask: ExportAsk) -> Iterator[str]:
    """The FHIR R4 bundle of what `repo` holds as JSON, its entries encoded as they are made
    (`ask.bundle`: a collection, or a transaction a server ingests)."""
    counts = repo.counts()
    if repo.profile() is None and not counts["checkins"] and not counts["sessions"]:
        raise NothingToExport(f"{repo.path} holds no data yet: there is nothing to export.")
    data = fhir_data(repo, ask.since)
    key = file_key(repo)
    top = head(ask.now, key, ask.zone, ask.since, ask.bundle)
    texts = json_array_last(top, "entry", entries(ask.catalog, data, key, ask.zone, ask.bundle))
    # pydantic_core escapes C0 controls only: DEL, C1 and bidi characters are escaped here.
    return (u_escaped(text) for text in texts)


def fhir_data(repo: Records, since: date | None) -> FhirData:
    """What the FHIR bundle holds of `repo`, from `since` on: the records read as the bundle
    is made, so once, while `repo` is open."""
    return FhirData(
        profile=repo.profile(),
        plan=repo.active_plan(),
        checkins=repo.each("checkins", since),
        sessions=repo.each("sessions", since),
        walks=repo.each("walks", since),
        bouts=repo.each("bouts", since),
        psfs=repo.each("psfs", since),
        screenings=[
            s
            for s in repo.screenings()
            if (since is None or s.at.date() >= since) and (s.after_emergency or is_alarm(s))
        ],
    )


def json_array_last(
    head: dict[str, Any], name: str, items: Iterator[dict[str, Any]]
) -> Iterator[str]:
    """`{**head, name: [*items]}` as JSON indented by two, the very text pydantic_core gives for
    the whole (the tests hold them equal), with the items encoded one at a time."""
    import pydantic_core  # the C encoder: json's indenting one is pure Python, seconds at ten years

    empty = pydantic_core.to_json({**head, name: []}, indent=2).decode("utf-8")
    yield empty.removesuffix("[]\n}")
    opened = "["
    for item in items:
        text = pydantic_core.to_json(item, indent=2).decode("utf-8")
        yield opened + "\n    " + text.replace("\n", "\n    ")
        opened = ","
    yield "[]\n}\n" if opened == "[" else "\n  ]\n}\n"
