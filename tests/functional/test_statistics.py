"""Statistics read from the stream's aggregates: exact averages, series, standing, attendance rate;
a stream record applied twice counts once."""

from __future__ import annotations

from tests.functional.test_diary import _school_clock, school  # noqa: F401  (the same school and clock)
from tests.journeys import get


def test_statistics_per_subject_with_the_standing_in_the_class(client, school):  # noqa: F811
    response = get(client, f"/children/{school['child']}/statistics", school["parent"])
    assert response.status_code == 200, response.body
    body = response.json_body
    assert body["term"]["name"] == "1 четверть" and body["today"] == "2026-09-20"
    subjects = {s["subject_name"]: s for s in body["subjects"]}
    maths = subjects["Математика"]
    # (5·2 + 4·1 + 3·1) / (2 + 1 + 1) = 4.25; the grade deleted by mistake is not counted
    assert (maths["average"], maths["projected_grade"], maths["grades_count"]) == (4.25, 4, 3)
    assert maths["counts"] == {"1": 0, "2": 0, "3": 1, "4": 1, "5": 1}
    assert maths["weekly"] == [{"week": "2026-08-31", "average": None}, {"week": "2026-09-07", "average": 4.67},
                               {"week": "2026-09-14", "average": 3.0}]
    assert maths["attendance"] == {"lessons_held": 3, "absent": 1, "late": 1, "rate": 66.7}
    # Three graded students are fewer than the minimum group: no comparison, only why
    # (tests/functional/test_security_stats.py shows the standing from five on)
    assert maths["standing"] == {"rank": None, "of": None, "percentile": None, "class_average": None,
                                 "distribution": None, "withheld": "group_too_small", "min_group_size": 5,
                                 "min_bucket_size": 3, "summary": "Сравнения с классом нет: в группе "
                                                                 "меньше 5 учеников с оценками по предмету"}
    russian = subjects["Русский язык"]
    assert (russian["average"], russian["projected_grade"]) == (4.5, 5)  # 4.5 rounds up
    assert russian["attendance"]["rate"] == 100.0
    assert russian["standing"]["withheld"] == "group_too_small"
    # Nothing names or scores another child
    text = response.body.decode()
    assert not any(mate in text for mate in school["mates"])


def test_a_stream_record_delivered_twice_counts_once(school):  # noqa: F811
    from chalicelib.dal import diary as store
    from chalicelib.domain.aggregates import Change, apply

    image = {"kind": "Grade", "school_id": school["id"], "class_id": "ghost-class", "student_id": "ghost",
             "subject_id": school["maths"], "date": "2026-09-10", "value": 4, "weight": 3}
    change = Change("test-event-ghost-1", None, image)
    assert apply([change]) == 1
    assert apply([change]) == 0
    [item] = store.student_stats("ghost", school["terms"]["1 четверть"])
    assert (item["sum_vw"], item["sum_w"], item["n"], item["wvw_2026-09-07"]) == (12, 3, 1, 12)
    # A correction moves the sums by the difference; a deletion takes its part back out
    apply([Change("test-event-ghost-2", image, {**image, "value": 5})])
    apply([Change("test-event-ghost-3", {**image, "value": 5}, None)])
    [item] = store.student_stats("ghost", school["terms"]["1 четверть"])
    assert (item["sum_vw"], item["sum_w"], item["n"], item["c4"], item["c5"]) == (0, 0, 0, 0, 0)
