"""`rehab export --format fhir`: a FHIR R4 bundle that `fhir.resources` validates, whose every
reference resolves, and whose times carry the UTC offset in force at each moment (issue 17)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fhir.resources.R4B.bundle import Bundle

from planner.formats.fhir_bundle import BACK_SITE, LEG_SITE, PAIN, offset_time
from planner.models import CheckIn, Condition, PsfsItem, PsfsRating, Walk
from rehab.commands import write_demo
from store import Repository
from store.zone import local_zone
from tests.cli.test_exports import cli, export, fresh_file, one_line
from tests.cli.test_leg_exports import leg_file
from tests.conftest import FakeClock

#: The codes of the required bindings the export uses (fhir.resources checks types and required
#: fields, not which code of a required value set is used).
BINDINGS = {
    ("Bundle", "type"): {"collection", "transaction"},
    ("Observation", "status"): {"registered", "preliminary", "final", "amended"},
    ("Procedure", "status"): {
        "preparation",
        "in-progress",
        "not-done",
        "on-hold",
        "stopped",
        "completed",
        "entered-in-error",
        "unknown",
    },
    ("CarePlan", "status"): {
        "draft",
        "active",
        "on-hold",
        "revoked",
        "completed",
        "entered-in-error",
        "unknown",
    },
    ("CarePlan", "intent"): {"proposal", "plan", "order", "option"},
}
DETAIL_STATUS = {
    "not-started",
    "scheduled",
    "in-progress",
    "on-hold",
    "completed",
    "cancelled",
    "stopped",
    "unknown",
    "entered-in-error",
}
UNITS = {"s", "min", "h", "d", "wk", "mo", "a"}


@pytest.fixture
def demo_file(tmp_path):
    path = tmp_path / "demo" / "rehab.json"
    write_demo(path, 42, 7, FakeClock())
    return path


def valid_bundle(text: str) -> dict:
    """The bundle, after every check a receiving system would make of it."""
    bundle = json.loads(text)
    Bundle.model_validate(bundle)  # FHIR R4B models: types, cardinality, offsets on times
    assert bundle["type"] in BINDINGS[("Bundle", "type")]
    urls = [entry["fullUrl"] for entry in bundle["entry"]]
    assert len(urls) == len(set(urls)), "every fullUrl is unique"
    for entry in bundle["entry"]:
        resource = entry["resource"]
        kind = resource["resourceType"]
        for (rtype, name), codes in BINDINGS.items():
            if rtype == kind:
                assert resource[name] in codes, (kind, name, resource[name])
        for activity in resource.get("activity", ()):
            assert activity["detail"]["status"] in DETAIL_STATUS
            repeat = activity["detail"]["scheduledTiming"]["repeat"]
            assert repeat["periodUnit"] in UNITS
            assert repeat.get("durationUnit", "s") in UNITS
    for reference in _references(bundle):
        assert reference in urls, f"{reference} does not resolve inside the bundle"
    return bundle


def _references(value) -> list[str]:
    if isinstance(value, dict):
        found = [value["reference"]] if isinstance(value.get("reference"), str) else []
        return found + [r for v in value.values() for r in _references(v)]
    if isinstance(value, list):
        return [r for v in value for r in _references(v)]
    return []


def resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def pains(bundle: dict, site) -> list[dict]:
    return [
        o
        for o in resources(bundle, "Observation")
        if o["code"].get("coding", [{}])[0].get("code") == PAIN[1]
        and o.get("bodySite", {}).get("coding", [{}])[0].get("code") == site[1]
    ]


def fhir(path, *extra) -> dict:
    return valid_bundle(export(path, "fhir", "--tz", "Europe/Berlin", *extra))


@pytest.mark.slow
def test_the_demo_is_a_valid_bundle_with_every_kind_of_record(demo_file):
    bundle = fhir(demo_file)
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert kinds == {"Patient", "Condition", "CarePlan", "Observation", "Procedure"}
    (patient,) = resources(bundle, "Patient")
    assert "name" not in patient  # rehab never asks for one
    (plan,) = resources(bundle, "CarePlan")
    assert (plan["status"], plan["intent"]) == ("active", "plan")
    assert all(a["detail"]["description"] for a in plan["activity"])
    with Repository.open(demo_file, clock=FakeClock(), readonly=True) as repo:
        sessions, checkins, walks = repo.sessions(), repo.checkins(), repo.walks()
        psfs, bouts = repo.psfs(), repo.bouts()
    assert len(resources(bundle, "Procedure")) == len(sessions) + len(bouts)
    assert len(pains(bundle, BACK_SITE)) >= len(checkins) + len(sessions)
    walk_obs = [o for o in resources(bundle, "Observation") if o["code"]["text"] == "Walk, minutes"]
    assert [o["valueQuantity"]["value"] for o in walk_obs] == [w.minutes for w in walks]
    survey = [o for o in resources(bundle, "Observation") if "PSFS" in o["code"]["text"]]
    assert [len(o["component"]) for o in survey] == [len(r.items) for r in psfs]


@pytest.mark.slow
def test_the_patient_id_is_stable_and_the_same_export_is_the_same_bundle(demo_file):
    first, second = fhir(demo_file), fhir(demo_file)
    assert first == second
    assert resources(first, "Patient")[0]["identifier"][0]["value"]


def test_the_bundle_written_in_pieces_is_the_whole_bundle_to_the_byte(demo_file, tmp_path):
    """The export is written as it is made (store.export_stream.pieces), reading the records as it
    goes: it must be the very text the whole bundle encodes to, for the demo, a file with only
    a profile, and with --since."""
    import pydantic_core

    from planner.formats import fhir_bundle
    from seeds import load_catalog
    from store.export_stream import pieces as export_pieces

    catalog, now, zone = load_catalog(), FakeClock()(), ZoneInfo("Europe/Berlin")
    fresh = fresh_file(tmp_path / "new" / "rehab.json")
    week_ago = now.date() - timedelta(days=9)
    for path, since in ((demo_file, None), (demo_file, week_ago), (fresh, None)):
        with Repository.open(path, clock=FakeClock(), readonly=True) as repo:
            pieces = export_pieces("fhir", repo, catalog, now, since, zone)
            chunks = list(pieces)  # made while the store is open, as the writers do
            data = fhir_bundle.fhir_data(repo, since)
            key = fhir_bundle.file_key(repo)
            # The oracle: the bundle's head and all its entries, encoded in one go.
            head = fhir_bundle.head(now, key, zone, since)
            whole = {**head, "entry": list(fhir_bundle.entries(catalog, data, key, zone))}
        expected = pydantic_core.to_json(whole, indent=2).decode("utf-8") + "\n"
        assert "".join(chunks) == expected
        if path == demo_file and since is None:  # 42 days: a few pieces of about 256 KB
            assert len(chunks) > 1 and all(len(c) >= 256 * 1024 for c in chunks[:-1])
    assert list(fhir_bundle.json_array_last({"a": 1}, "entry", iter([]))) == [
        '{\n  "a": 1,\n  "entry": ',
        "[]\n}\n",
    ]


def test_an_empty_profile_is_a_valid_bundle(tmp_path):
    bundle = fhir(fresh_file(tmp_path / "new" / "rehab.json"))
    assert len(resources(bundle, "Condition")) == 1
    assert not resources(bundle, "Observation") and not resources(bundle, "Procedure")


def test_a_file_with_no_data_is_refused_in_one_line(tmp_path):
    path = tmp_path / "none" / "rehab.json"
    with Repository.open(path, clock=FakeClock()):
        pass
    code, _, err = cli("export", "--format", "fhir", "--data", str(path))
    assert code == 1 and one_line(err), err


def test_back_and_leg_pain_are_told_apart_by_body_site_with_the_reach(tmp_path):
    bundle = fhir(leg_file(tmp_path))
    conditions = resources(bundle, "Condition")
    assert {c["code"]["text"] for c in conditions} == {"sciatica"}
    assert conditions[0]["code"]["coding"][0]["code"] == "23056005"
    back, leg = pains(bundle, BACK_SITE), pains(bundle, LEG_SITE)
    assert sorted(o["valueInteger"] for o in leg) == [3, 3, 4, 5, 6, 6]
    assert len(back) == 2 + 2 * 2  # two check-ins; two sessions, before and after
    reach = [o for o in resources(bundle, "Observation") if "reach" in o["code"]["text"]]
    assert "below the knee" in {o["valueCodeableConcept"]["text"] for o in reach}
    session_parts = [o for o in back + leg if "partOf" in o]
    assert len(session_parts) == 4 + 4  # each session's ratings point at its Procedure


def test_times_carry_the_offset_in_force_on_each_side_of_a_dst_change(tmp_path):
    path = fresh_file(tmp_path / "dst" / "rehab.json")
    moments = [
        datetime(2026, 3, 28, 9, 0),  # Berlin: still winter time, +01:00
        datetime(2026, 3, 29, 9, 0),  # the clocks went forward at 02:00 that night: +02:00
        datetime(2026, 10, 24, 9, 0),  # summer time, +02:00
        datetime(2026, 10, 25, 9, 0),  # back to winter time at 03:00 that night: +01:00
    ]
    with Repository.open(path, clock=FakeClock()) as repo:
        repo.save(*(CheckIn(at=m, pain=4) for m in moments))
        repo.save(Walk(at=moments[1], minutes=12, pain_after=3))
        repo.save(PsfsRating(at=moments[3], items=[PsfsItem(activity=a, score=5) for a in "abc"]))
    bundle = fhir(path)
    times = sorted(o["effectiveDateTime"] for o in pains(bundle, BACK_SITE))
    assert times == [
        "2026-03-28T09:00:00+01:00",
        "2026-03-29T09:00:00+02:00",
        "2026-03-29T09:00:00+02:00",  # the walk's pain after
        "2026-10-24T09:00:00+02:00",
        "2026-10-25T09:00:00+01:00",
    ]
    new_york = valid_bundle(export(path, "fhir", "--tz", "America/New_York"))
    times = sorted(o["effectiveDateTime"] for o in pains(new_york, BACK_SITE))
    assert times[0] == "2026-03-28T09:00:00-04:00"  # the US changed on 8 March
    assert times[-1] == "2026-10-25T09:00:00-04:00"  # and changes back on 1 November


def test_the_hour_that_happens_twice_and_the_hour_that_never_happens():
    berlin = ZoneInfo("Europe/Berlin")
    assert offset_time(datetime(2026, 10, 25, 2, 30), berlin) == "2026-10-25T02:30:00+02:00"
    assert offset_time(datetime(2026, 3, 29, 2, 30), berlin) == "2026-03-29T02:30:00+01:00"
    assert offset_time(datetime(2026, 7, 1, 12, 0), None).startswith("2026-07-01T12:00:00")


def test_since_keeps_the_plan_and_conditions_but_only_later_ratings(demo_file):
    whole, recent = fhir(demo_file), fhir(demo_file, "--since", "2026-11-14")
    assert resources(recent, "CarePlan") == resources(whole, "CarePlan")
    kept = [o["effectiveDateTime"] for o in resources(recent, "Observation")]
    assert kept and min(kept) >= "2026-11-14"
    assert len(resources(recent, "Observation")) < len(resources(whole, "Observation"))


def test_an_unknown_zone_or_tz_for_another_format_is_one_line(demo_file):
    code, _, err = cli(
        "export", "--format", "fhir", "--tz", "Mars/Olympus", "--data", str(demo_file)
    )
    assert code == 1 and one_line(err) and "Mars/Olympus" in err
    code, _, err = cli(
        "export", "--format", "csv", "--tz", "Europe/Berlin", "--data", str(demo_file)
    )
    assert code == 2 and "--tz does not apply" in err


@pytest.mark.parametrize(
    ("env", "link", "expected"),
    [
        ({"TZ": "Europe/Berlin"}, None, "Europe/Berlin"),
        ({"TZ": ":Asia/Tokyo"}, None, "Asia/Tokyo"),
        ({}, "/usr/share/zoneinfo/America/New_York", "America/New_York"),
        ({"TZ": "Nowhere/Else"}, "/usr/share/zoneinfo/Europe/Paris", "Europe/Paris"),
        ({}, None, None),
    ],
)
def test_the_local_zone_comes_from_tz_then_etc_localtime(tmp_path, env, link, expected):
    if link is not None:
        (tmp_path / "localtime").symlink_to(link)
    zone = local_zone(env, tmp_path)
    assert (zone.key if zone else None) == expected


def test_a_paused_plan_is_an_on_hold_care_plan(tmp_path):
    path = fresh_file(tmp_path / "paused" / "rehab.json")
    with Repository.open(path, clock=FakeClock()) as repo:
        plan = repo.active_plan()
        repo.save_plan(replace(plan, status="paused", pause_reason="A warning sign."))
        repo.save_profile(replace(repo.profile(), conditions=[Condition.LDH, Condition.LUMBAGO]))
    bundle = fhir(path)
    (plan,) = resources(bundle, "CarePlan")
    assert plan["status"] == "on-hold"
    assert {a["detail"]["status"] for a in plan["activity"]} == {"on-hold"}
    assert len(plan["addresses"]) == 2
    assert NOW_DAY in plan["period"]["start"]


NOW_DAY = (FakeClock()() - timedelta(0)).date().isoformat()


def test_the_pain_said_when_an_exercise_was_stopped_has_no_body_site(tmp_path):
    from tests.unit.worlds import session

    path = fresh_file(tmp_path / "stop" / "rehab.json")
    done = session(FakeClock()().date(), before=3, after=4)
    stopped = replace(done.entries[0], stopped_hurt=True, pain_when_stopped=6)
    with Repository.open(path, clock=FakeClock()) as repo:
        repo.save(replace(done, entries=[stopped, *done.entries[1:]]))
    bundle = fhir(path)
    (procedure,) = resources(bundle, "Procedure")
    unsited = [
        o
        for o in resources(bundle, "Observation")
        if "bodySite" not in o and o["code"]["coding"][0]["code"] == PAIN[1]
    ]
    assert [o["valueInteger"] for o in unsited] == [6]
    assert "stopped because it hurt" in unsited[0]["note"][0]["text"]
    assert len(pains(bundle, BACK_SITE)) == 2  # before and after
    (session_url,) = [e["fullUrl"] for e in bundle["entry"] if e["resource"] is procedure]
    assert unsited[0]["partOf"] == [{"reference": session_url}]


def test_the_timing_duration_is_one_performance_in_minutes_and_the_hold_an_extension(demo_file):
    """Bridge, 2 × 8 reps holding 5 s with 30 s rest, takes a couple of minutes, not 5 s."""
    from planner.formats.fhir_bundle import HOLD_EXTENSION, dose_timing
    from planner.models import Dose

    bridge = Dose(sets=2, reps=8, hold_s=5, rest_s=30)
    repeat = dose_timing(bridge, "any")["repeat"]
    assert (repeat["duration"], repeat["durationUnit"]) == (round(bridge.seconds() / 60, 1), "min")
    assert 2 <= repeat["duration"] <= 3
    walk = dose_timing(Dose(sets=1, minutes=5), "morning")["repeat"]
    assert (walk["duration"], walk["durationUnit"], walk["when"]) == (5, "min", ["MORN"])
    (plan,) = resources(fhir(demo_file), "CarePlan")
    held = [a["detail"] for a in plan["activity"] if "hold" in a["detail"]["description"]]
    assert held
    for detail in held:
        holds = [e["valueInteger"] for e in detail["extension"] if e["url"] == HOLD_EXTENSION]
        assert len(holds) == 1 and f"hold {holds[0]} s" in detail["description"]
        assert detail["scheduledTiming"]["repeat"]["durationUnit"] == "min"


@pytest.fixture
def machine_in_utc(monkeypatch):
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_bundle_timestamp_is_the_true_instant_and_its_id_comes_from_the_data(machine_in_utc):
    from planner.formats.fhir_bundle import head

    berlin = ZoneInfo("Europe/Berlin")
    now = datetime(2026, 11, 21, 10, 37, 21)  # the machine's clock, in UTC
    first = head(now, "file-key", berlin, None)
    assert first["timestamp"] == "2026-11-21T11:37:21+01:00"  # 10:37:21Z, said in Berlin
    assert (
        datetime.fromisoformat(first["timestamp"]).timestamp()
        == now.replace(tzinfo=ZoneInfo("UTC")).timestamp()
    )
    later = head(now + timedelta(hours=5), "file-key", berlin, None)
    assert later["id"] == first["id"]  # the same data: the same bundle, apart from the time
    since = head(now, "file-key", berlin, now.date() - timedelta(days=7))
    assert since["id"] != first["id"]
    assert head(now, "another-file", berlin, None)["id"] != first["id"]


def test_observations_are_the_patients_own_and_conditions_unconfirmed(tmp_path):
    bundle = fhir(leg_file(tmp_path))
    (patient,) = [
        e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"
    ]
    observations = resources(bundle, "Observation")
    assert observations
    assert all(o["performer"] == [{"reference": patient}] for o in observations)
    conditions = resources(bundle, "Condition")
    assert conditions
    for condition in conditions:
        [coding] = condition["verificationStatus"]["coding"]
        assert (coding["system"], coding["code"]) == (
            "http://terminology.hl7.org/CodeSystem/condition-ver-status",
            "unconfirmed",
        )


@pytest.mark.slow
def test_a_transaction_bundle_says_how_a_server_takes_each_entry(demo_file):
    """The same resources as the collection; the Patient created only if none has the file's
    identifier, every other resource put at its own id (sending it again updates)."""
    collection = fhir(demo_file)
    transaction = fhir(demo_file, "--bundle", "transaction")
    assert transaction["type"] == "transaction"
    assert [e["resource"] for e in transaction["entry"]] == [
        e["resource"] for e in collection["entry"]
    ]
    [patient] = [e for e in transaction["entry"] if e["resource"]["resourceType"] == "Patient"]
    [identifier] = patient["resource"]["identifier"]
    assert patient["request"] == {
        "method": "POST",
        "url": "Patient",
        "ifNoneExist": f"identifier={identifier['system']}|{identifier['value']}",
    }
    for entry in transaction["entry"]:
        if entry is not patient:
            resource = entry["resource"]
            assert entry["request"] == {
                "method": "PUT",
                "url": f"{resource['resourceType']}/{resource['id']}",
            }
    assert all("request" not in e for e in collection["entry"])


def test_bundle_is_for_fhir_only(demo_file):
    code, out, err = cli(
        "export", "--format", "csv", "--bundle", "transaction", "--data", str(demo_file)
    )
    assert code == 2 and "--bundle applies to --format fhir only" in err
