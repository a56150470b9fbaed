"""Two computers' copies of one history, made one (`rehab merge`): every record of either kept,
matched by its id, with nothing decided by which file happens to be named first.

- The same id with the same document is one record.
- The same id with different documents keeps the version written last (`written`): the time
  the store stamped on a record that changes (`changed_at` on the profile and on plans), else
  the latest time the record itself holds. The other version is handed back (`Merged.differed`)
  for a backup. Equal times fall to the document's canonical bytes, so merging A into B and B
  into A keep the same versions.
- Two plans in force (each computer moved on its own) leave the one changed last in force; the
  other is archived at that moment and stays in the timeline.
- The profile is the one changed last, except its health answers (pregnancy, recent surgery,
  osteoporosis), which come from the side whose answers changed last (its latest "health"
  stage event), and `leg_symptoms`, which once set stays set: a later change of slots on one
  computer never undoes a yes to surgery given on the other.

Safety records (screenings, clearances) are records like the rest: the union keeps every one,
and the gate is derived from them by whoever reads the result (`door.files.merge_in`).

Pure: documents in, documents out; nothing here reads or writes a file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from store.schema import META_TABLE, ORDER_FIELDS, TABLE_MODELS, Tables

Document = dict[str, Any]

#: Profile answers a physiotherapist asks about; they travel together, from the side whose
#: answers changed last (a "health" stage event marks each change after the first run).
HEALTH_ANSWERS = ("pregnant", "recent_surgery", "surgery_said_at", "osteoporosis")
#: Profile fields that only ever turn on: the merged profile has them on if either side does.
LATCHED = ("leg_symptoms",)


@dataclass(frozen=True)
class Merged:
    """What a merge made, and what it says about it."""

    #: The tables to write: ours, with every record of theirs that was new or newer.
    tables: Tables
    #: How many records of each table the other side brought that this one did not have.
    came: dict[str, int] = field(default_factory=dict)
    #: The versions not kept, by table (same id, different content): for a backup.
    differed: Tables = field(default_factory=dict)
    #: Profile fields whose answers differed between the two sides (the kept ones are in
    #: `tables`).
    profile_fields: tuple[str, ...] = ()
    #: Plans that were in force on one side and are now archived (the other was changed last).
    plans_archived: tuple[str, ...] = ()


def merge_tables(ours: Tables, theirs: Tables, archived: Tables | None = None) -> Merged:
    """`ours` (the data file) and `theirs` (the file merged in), both checked and in the current
    schema, made one. `archived`: records of ours kept in closed years' archives that `theirs`
    may hold too; they count as ours and stay where they are unless theirs is newer."""
    archived = archived or {}
    tables: Tables = {name: dict(documents) for name, documents in ours.items()}
    came: dict[str, int] = {}
    differed: Tables = {}
    for name in TABLE_MODELS:
        if not theirs.get(name):
            continue
        mine = tables.setdefault(name, {})
        kept_elsewhere = archived.get(name, {})
        for record_id, document in theirs[name].items():
            own = mine.get(record_id, kept_elsewhere.get(record_id))
            if own is None:
                mine[record_id] = document
                came[name] = came.get(name, 0) + 1
                continue
            if own == document:
                continue
            winner, loser = _later(name, own, document)
            differed.setdefault(name, {})[record_id] = loser
            if winner is document:
                mine[record_id] = document
    for name, field_name in ORDER_FIELDS.items():
        # In time order, equal times by id: the file and everything read from it (the gate
        # reads answers in order) are the same whichever file was merged into which.
        documents = tables.get(name)
        if documents and name in theirs:
            tables[name] = dict(
                sorted(documents.items(), key=lambda kv: (str(kv[1].get(field_name)), kv[0]))
            )
    profile_fields = _merge_profile(tables, ours, theirs)
    plans_archived = _one_plan_in_force(tables)
    tables[META_TABLE] = dict(ours.get(META_TABLE) or theirs.get(META_TABLE, {}))
    return Merged(
        tables=tables,
        came=came,
        differed=differed,
        profile_fields=profile_fields,
        plans_archived=plans_archived,
    )


def written(name: str, document: Mapping[str, Any]) -> datetime:
    """When a document's version was written, as far as it says: the store's stamp on the
    records that change, else the latest time the record holds."""
    stamp = document.get("changed_at")
    if stamp:
        return _time(stamp)
    if name == "plans":
        source = document.get("source") or {}
        times = [document.get("created_at"), document.get("archived_at")]
        times.append(source.get("imported_at"))
    elif name == "profile":
        times = [document.get("disclaimer_accepted_at"), document.get("surgery_said_at")]
    elif name == "sessions":
        times = [document.get("started_at"), document.get("ended_at")]
    else:
        times = [document.get(ORDER_FIELDS.get(name, "at"))]
    return max((_time(t) for t in times if t), default=datetime.min)


def after(moment: datetime) -> datetime:
    """A moment just after `moment`: the time a merge stamps on a record it changes, so its
    version is the one written last next time too, whatever the clock said (merging the
    same file again changes nothing)."""
    return moment + timedelta(microseconds=1)


def _later(name: str, a: Document, b: Document) -> tuple[Document, Document]:
    """(the version kept, the other): the one written later; equal times, the greater
    canonical text, so the choice does not depend on which side is which."""
    key_a, key_b = (written(name, a), _canonical(a)), (written(name, b), _canonical(b))
    return (a, b) if key_a >= key_b else (b, a)


def _canonical(document: Mapping[str, Any]) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _time(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=None)


def health_changed(tables: Tables) -> datetime:
    """When a side's health answers last changed: its latest "health" stage event, else when
    its profile was first answered."""
    events = [
        _time(e["at"]) for e in tables.get("stage_events", {}).values() if e.get("kind") == "health"
    ]
    profile = tables.get("profile", {}).get("profile") or {}
    first = profile.get("disclaimer_accepted_at")
    return max(events, default=_time(first) if first else datetime.min)


def _merge_profile(tables: Tables, ours: Tables, theirs: Tables) -> tuple[str, ...]:
    """The merged profile (in `tables` already: the one changed last) with the health answers
    of the side that changed them last and the latched fields of either; the names of the
    fields the two sides answered differently."""
    mine = (ours.get("profile") or {}).get("profile")
    other = (theirs.get("profile") or {}).get("profile")
    if mine is None or other is None or mine == other:
        return ()
    winner = tables["profile"]["profile"]
    kept = dict(winner)
    health_from = mine
    mine_at, other_at = health_changed(ours), health_changed(theirs)
    if other_at > mine_at or (other_at == mine_at and winner is other):
        health_from = other
    for name in HEALTH_ANSWERS:
        if name in health_from:
            kept[name] = health_from[name]
        else:
            kept.pop(name, None)
    for name in LATCHED:
        if mine.get(name) or other.get(name):
            kept[name] = True
    if kept != winner:
        # A profile neither side wrote: stamped just after both, so it is the one changed last
        # next time too (kept with the winner's stamp, a tie with the other side's could be
        # broken the other way, and merging again would undo it).
        stamp = after(max(written("profile", mine), written("profile", other)))
        kept["changed_at"] = stamp.isoformat()
    tables["profile"]["profile"] = kept
    names = sorted(set(mine) | set(other))
    return tuple(n for n in names if n != "changed_at" and mine.get(n) != other.get(n))


def _one_plan_in_force(tables: Tables) -> tuple[str, ...]:
    """Leave one plan in force, the one changed last; archive the others at that moment (they
    stay in the timeline). Says which it archived."""
    plans = tables.get("plans", {})
    live = [i for i, p in plans.items() if p.get("status") != "archived"]
    if len(live) < 2:
        return ()
    keep = max(live, key=lambda i: (written("plans", plans[i]), _canonical(plans[i])))
    at = after(written("plans", plans[keep])).isoformat()
    archived = []
    for plan_id in sorted(live):
        if plan_id == keep:
            continue
        plan = {**plans[plan_id], "status": "archived", "archived_at": at, "changed_at": at}
        plan.pop("pause_reason", None)
        plans[plan_id] = plan
        archived.append(plan_id)
    return tuple(archived)


__all__ = [
    "HEALTH_ANSWERS",
    "LATCHED",
    "Merged",
    "after",
    "health_changed",
    "merge_tables",
    "written",
]
