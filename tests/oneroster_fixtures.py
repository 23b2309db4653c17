"""OneRoster CSV zips for tests, written from plain Python data.

A package is a dict of OneRoster file name → list of rows, each row a dict of the standard's
column names (a missing column is an empty cell). `school()` gives a small, consistent one to
start from; change it with ordinary dict and list operations, then `zip_bytes()` writes it as a
school's system would, in either version, encoding and shape:

    data = school(teacher_email)
    data["users.csv"].append(student("s9", "Ли", "Ким", grades="KG"))
    data["enrollments.csv"].append(enrolment("e99", "hr-5a", "s9"))
    data["demographics.csv"].append({"sourcedId": "s9", "birthDate": "2020-02-02"})
    body = zip_bytes(data, version="1.1", encoding="cp1251", folder="Export/", debris=True)

What `zip_bytes` can do (each a keyword):

- `version`: "1.2" (roles in roles.csv, made from each user's `role`) or "1.1" (the `role` column
  of users.csv, no roles.csv);
- `encoding`: "utf-8" or "cp1251"; `bom`: a UTF-8 byte-order mark before each file;
- `folder`: every file inside this folder of the zip ("Export/");
- `names`: how file names are written, a function of the standard name (`str.upper`...);
- `headers`: how header names are written, a function of the standard name (`str.capitalize`...);
- `debris`: the files macOS and Windows leave in a zip (.DS_Store, __MACOSX/._*, Thumbs.db, desktop.ini);
- `with_manifest`: a manifest.csv listing the files as bulk (default), or none.

`capitalised(data)` writes the enumerations (classType, role, status, type, scoreStatus) as
exporters do: `Homeroom`, `Student`, `TEACHER`, `Term`, `TobeDeleted`. Demographics are optional:
`del data["demographics.csv"]`. A grade 12 or KG student is `student(..., grades="12")`, a NaN
score is `result(..., score="NaN")`.
"""

from __future__ import annotations

import copy
import csv
import io
import zipfile
from collections.abc import Callable

Rows = list[dict[str, str]]
Package = dict[str, Rows]

COMMON = ["sourcedId", "status", "dateLastModified"]
# The columns of each file, in the standard's order (1.2; 1.1 differs only where HEADERS_11 says).
HEADERS_12: dict[str, list[str]] = {
    "orgs.csv": [*COMMON, "name", "type", "identifier", "parentSourcedId"],
    "academicSessions.csv": [*COMMON, "title", "type", "startDate", "endDate", "parentSourcedId", "schoolYear"],
    "courses.csv": [*COMMON, "schoolYearSourcedId", "title", "courseCode", "grades", "orgSourcedId", "subjects",
                    "subjectCodes"],
    "classes.csv": [*COMMON, "title", "grades", "courseSourcedId", "classCode", "classType", "location",
                    "schoolSourcedId", "termSourcedIds", "subjects", "subjectCodes", "periods"],
    "users.csv": [*COMMON, "enabledUser", "username", "userIds", "givenName", "familyName", "middleName",
                  "identifier", "email", "sms", "phone", "agentSourcedIds", "grades", "password"],
    "roles.csv": [*COMMON, "userSourcedId", "roleType", "role", "beginDate", "endDate", "orgSourcedId"],
    "enrollments.csv": [*COMMON, "classSourcedId", "schoolSourcedId", "userSourcedId", "role", "primary",
                        "beginDate", "endDate"],
    "demographics.csv": [*COMMON, "birthDate", "sex"],
    "categories.csv": [*COMMON, "title", "weight"],
    "lineItems.csv": [*COMMON, "title", "description", "assignDate", "dueDate", "classSourcedId",
                      "categorySourcedId", "gradingPeriodSourcedId", "resultValueMin", "resultValueMax",
                      "schoolSourcedId"],
    "results.csv": [*COMMON, "lineItemSourcedId", "studentSourcedId", "scoreStatus", "score", "scoreDate",
                    "comment"],
}
HEADERS_11: dict[str, list[str]] = {
    **HEADERS_12,
    "users.csv": [*COMMON, "enabledUser", "orgSourcedIds", "role", "username", "userIds", "givenName", "familyName",
                  "middleName", "identifier", "email", "sms", "phone", "agentSourcedIds", "grades", "password"],
}
ENUMERATIONS = ("classType", "role", "status", "type", "scoreStatus")
SPELLED = {"teacher": "TEACHER", "tobedeleted": "TobeDeleted"}  # how `capitalised` writes these two
# What operating systems leave in a zip: binary, so reading any of them as CSV fails.
DEBRIS: dict[str, bytes] = {
    ".DS_Store": b"\x00\x00\x00\x01Bud1" + b"\x00" * 64 + b"\x08\x0b\x00\x00",
    "__MACOSX/._users.csv": b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        " + b"\x00" * 40,
    "._classes.csv": b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        " + b"\x00" * 40,
    "Thumbs.db": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
    "desktop.ini": "\ufeff[.ShellClassInfo]\r\nIconResource=C:\\Windows\\system32\\imageres.dll,-3\r\n".encode(
        "utf-16-le"),
}


# --- rows -----------------------------------------------------------------------------------


def student(sid: str, family: str, given: str, grades: str = "", middle: str = "", status: str = "") -> dict[str, str]:
    """A users.csv row of a student (the `role` is used for 1.1's column and 1.2's roles.csv)."""
    return {"sourcedId": sid, "status": status, "enabledUser": "true", "username": sid, "givenName": given,
            "familyName": family, "middleName": middle, "grades": grades, "role": "student"}


def teacher(sid: str, family: str, given: str, email: str) -> dict[str, str]:
    """A users.csv row of a teacher."""
    return {"sourcedId": sid, "enabledUser": "true", "username": sid, "givenName": given, "familyName": family,
            "email": email, "role": "teacher"}


def homeroom(sid: str, title: str, grades: str = "", course: str = "c-hr") -> dict[str, str]:
    """A classes.csv homeroom (our school class)."""
    return {"sourcedId": sid, "title": title, "grades": grades, "courseSourcedId": course, "classType": "homeroom",
            "schoolSourcedId": "org-1"}


def section(sid: str, title: str, course: str, subjects: str = "", grades: str = "") -> dict[str, str]:
    """A classes.csv course section (a scheduled class teaching a subject)."""
    return {"sourcedId": sid, "title": title, "grades": grades, "courseSourcedId": course, "classType": "scheduled",
            "schoolSourcedId": "org-1", "subjects": subjects}


def enrolment(sid: str, class_id: str, user_id: str, role: str = "student", status: str = "") -> dict[str, str]:
    """An enrollments.csv row."""
    return {"sourcedId": sid, "status": status, "classSourcedId": class_id, "schoolSourcedId": "org-1",
            "userSourcedId": user_id, "role": role, "primary": "true" if role == "teacher" else ""}


def result(sid: str, line_item: str, student_id: str, score: str, date: str, comment: str = "") -> dict[str, str]:
    """A results.csv row (`score="NaN"` is what pandas-based exporters write for a missing one)."""
    return {"sourcedId": sid, "lineItemSourcedId": line_item, "studentSourcedId": student_id,
            "scoreStatus": "fully graded", "score": score, "scoreDate": date, "comment": comment}


def school(teacher_email: str) -> Package:
    """A small school: a year of two terms, homerooms 5А and 5Б, mathematics taught to 5А by the
    registered teacher, three students with birth dates, two marks. Every row is taken."""
    return {
        "orgs.csv": [{"sourcedId": "org-1", "name": "Школа № 17", "type": "school", "identifier": "17"}],
        "academicSessions.csv": [
            {"sourcedId": "y2026", "title": "2026/2027", "type": "schoolYear", "startDate": "2026-09-01",
             "endDate": "2027-05-31", "schoolYear": "2027"},
            {"sourcedId": "t1", "title": "1 полугодие", "type": "term", "startDate": "2026-09-01",
             "endDate": "2026-12-28", "parentSourcedId": "y2026", "schoolYear": "2027"},
            {"sourcedId": "t2", "title": "2 полугодие", "type": "term", "startDate": "2027-01-09",
             "endDate": "2027-05-31", "parentSourcedId": "y2026", "schoolYear": "2027"},
        ],
        "courses.csv": [
            {"sourcedId": "c-hr", "schoolYearSourcedId": "y2026", "title": "Классный час", "orgSourcedId": "org-1"},
            {"sourcedId": "c-math", "schoolYearSourcedId": "y2026", "title": "Математика 5 класс", "grades": "05",
             "orgSourcedId": "org-1", "subjects": "Математика"},
        ],
        "classes.csv": [homeroom("hr-5a", "5А", "05"), homeroom("hr-5b", "5Б", "05"),
                        section("math-5a", "Математика 5А", "c-math")],
        "users.csv": [teacher("t1", "Петрова", "Анна", teacher_email),
                      student("s1", "Иванов", "Пётр", "05", "Сергеевич"), student("s2", "Алексеева", "Дарья", "05"),
                      student("s3", "Соколов", "Михаил", "05")],
        "enrollments.csv": [enrolment("e1", "hr-5a", "s1"), enrolment("e2", "hr-5a", "s2"),
                            enrolment("e3", "hr-5b", "s3"), enrolment("e4", "math-5a", "t1", "teacher"),
                            enrolment("e5", "math-5a", "s1"), enrolment("e6", "math-5a", "s2")],
        "demographics.csv": [{"sourcedId": "s1", "birthDate": "2015-03-14", "sex": "male"},
                             {"sourcedId": "s2", "birthDate": "2015-07-02", "sex": "female"},
                             {"sourcedId": "s3", "birthDate": "2014-01-20", "sex": "male"}],
        "categories.csv": [{"sourcedId": "cat-ctrl", "title": "Контрольная работа"}],
        "lineItems.csv": [{"sourcedId": "li-1", "title": "Контрольная № 1", "assignDate": "2026-09-15",
                           "dueDate": "2026-09-15", "classSourcedId": "math-5a", "categorySourcedId": "cat-ctrl",
                           "gradingPeriodSourcedId": "t1", "resultValueMin": "1", "resultValueMax": "5"}],
        "results.csv": [result("r1", "li-1", "s1", "5", "2026-09-15", "Отлично"),
                        result("r2", "li-1", "s2", "4", "2026-09-15")],
    }


def capitalised(data: Package) -> Package:
    """A copy with the enumerations as exporters write them (`Homeroom`, `Student`, `TEACHER`, `Term`,
    `TobeDeleted`, `Fully graded`): teachers' roles in upper case, the rest capitalised."""
    out = copy.deepcopy(data)
    for rows in out.values():
        for row in rows:
            for column in ENUMERATIONS:
                value = row.get(column)
                if value:
                    row[column] = SPELLED.get(value) or value[0].upper() + value[1:]
    return out


# --- files and zips -------------------------------------------------------------------------


def csv_text(columns: list[str], rows: Rows, headers: Callable[[str], str] = str) -> str:
    """One file's text: the header (each name through `headers`), then the rows (missing cells empty)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([headers(c) for c in columns])
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue()


def files(data: Package, version: str = "1.2", headers: Callable[[str], str] = str) -> dict[str, str]:
    """The package as OneRoster files (name → text) of the version: 1.2 makes roles.csv from the
    users' `role`, 1.1 keeps it as a column of users.csv."""
    layout = HEADERS_12 if version == "1.2" else HEADERS_11
    tables = {name: list(rows) for name, rows in data.items()}
    if version == "1.2" and "users.csv" in tables and "roles.csv" not in tables:
        tables["roles.csv"] = [{"sourcedId": f"role-{u['sourcedId']}", "userSourcedId": u["sourcedId"],
                                "roleType": "primary", "role": u.get("role", ""), "orgSourcedId": "org-1"}
                               for u in tables["users.csv"] if u.get("role")]
    if version != "1.2":
        tables.pop("roles.csv", None)
    return {name: csv_text(layout[name], rows, headers) for name, rows in tables.items()}


def manifest(names: list[str], version: str = "1.2") -> str:
    """A manifest.csv listing these files as bulk."""
    lines = ["propertyName,value", "manifest.version,1.0", f"oneroster.version,{version}"]
    lines += [f"file.{n.removesuffix('.csv')},bulk" for n in sorted(names)]
    return "\r\n".join([*lines, "source.systemName,Tests"]) + "\r\n"


def zip_bytes(data: Package, version: str = "1.2", encoding: str = "utf-8", bom: bool = False, folder: str = "",
              names: Callable[[str], str] = str, headers: Callable[[str], str] = str, debris: bool = False,
              with_manifest: bool = True) -> bytes:
    """The package as a school's system would upload it (see the module's doc for each keyword)."""
    texts = files(data, version, headers)
    if with_manifest:
        texts["manifest.csv"] = manifest([n for n in texts if n != "manifest.csv"], version)
    members: dict[str, bytes] = {}
    for name, text in texts.items():
        members[folder + names(name)] = (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)
    if debris:
        members.update({(n if n.startswith("__MACOSX/") else folder + n): b for n, b in DEBRIS.items()})
    return zip_of(members)


def zip_of(members: dict[str, bytes | str]) -> bytes:
    """A zip of these members (text is written as UTF-8)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content.encode("utf-8") if isinstance(content, str) else content)
    return buffer.getvalue()


def reading(data: Package, version: str = "1.2", headers: Callable[[str], str] = str) -> list[tuple[str, str]]:
    """The package as (file name, text) pairs for `oneroster.translate` (no zip, no encoding)."""
    return list(files(data, version, headers).items())
