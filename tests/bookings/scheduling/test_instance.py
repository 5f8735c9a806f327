import pytest

from bookings.scheduling import InstanceError, parse_instance

from .builders import make_instance


def base() -> dict:
    return make_instance(
        21,
        [(1, 1, 2), (2, 2, 3), (3, 1, 3), (4, 3, 4)],
        participants=[1, 2, 3, 4],
        sessions={"AM": [1, 13], "PM": [14, 21]},
    )


def test_valid_instance_is_parsed_with_its_fields():
    data = base()
    data["meetings"][1]["session"] = "PM"
    data["meetings"][2]["after"] = [1]
    data["meetings"][3]["online"] = True
    data["participants"][0]["forbidden"] = [3, 17]
    instance = parse_instance(data)
    assert instance.slots == 21
    assert instance.sessions == {"AM": (1, 13), "PM": (14, 21)}
    assert instance.forbidden[1] == frozenset({3, 17})
    assert instance.meetings[1].session == "PM"
    assert instance.meetings[2].after == (1,)
    assert instance.meetings[3].online is True
    assert instance.allowed_slots(instance.meetings[0]) == [
        t for t in range(1, 22) if t not in (3, 17)
    ]


def test_string_ids_are_kept_as_given():
    data = make_instance(3, [("m-a", "alpha", "beta"), (7, "beta", 12)])
    instance = parse_instance(data)
    assert [m.id for m in instance.meetings] == ["m-a", 7]
    assert instance.meetings[1].participants == ("beta", 12)


def _broken(change) -> dict:
    data = base()
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="other/1"), 'format: expected "primi-b2b/1"'),
        (lambda d: d.update(slots=0), "slots: must be a positive integer"),
        (lambda d: d.update(slots="21"), "slots: must be a positive integer"),
        (lambda d: d.update(tables=-1), "tables: must be a non-negative integer"),
        (lambda d: d["sessions"].update(AM=[0, 30]), "sessions.AM: range outside 1..21"),
        (
            lambda d: d["meetings"][3]["participants"].__setitem__(1, 99),
            "meetings[3].participants[1]: unknown participant 99",
        ),
        (
            lambda d: d["meetings"][2].update(session="EVE"),
            'meetings[2].session: unknown session "EVE"',
        ),
        (
            lambda d: d["meetings"][1].update(after=[1, 77]),
            "meetings[1].after[1]: unknown meeting 77",
        ),
        (lambda d: d["meetings"][3].update(id=1), "meetings[3].id: duplicate meeting 1"),
        (
            lambda d: d["participants"][1].update(id=1),
            "participants[1].id: duplicate participant 1",
        ),
        (
            lambda d: d["participants"][0].update(forbidden=[22]),
            "participants[0].forbidden[0]: slot 22 outside 1..21",
        ),
        (lambda d: d["meetings"][0].update(fixed=0), "meetings[0].fixed: slot 0 outside 1..21"),
        (lambda d: d["meetings"][0].update(online="yes"), "meetings[0].online: must be"),
        (lambda d: d.update(fairness=-2), "fairness: must be a non-negative integer"),
        (lambda d: d.pop("meetings"), "meetings: must be a list"),
    ],
)
def test_errors_name_the_field(change, message):
    with pytest.raises(InstanceError) as caught:
        parse_instance(_broken(change))
    assert str(caught.value).startswith(message)


def test_a_document_that_is_not_an_object_is_refused():
    with pytest.raises(InstanceError, match="instance: must be a JSON object"):
        parse_instance([1, 2])
