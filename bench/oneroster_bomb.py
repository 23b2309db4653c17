"""Peak memory of planning a big OneRoster package: a users.csv of ~120 MB (the issue's memory
bomb took the worker from 333 MB to 2.5 GB) with its roles, enrollments and demographics.

Writes the zip to a temporary folder, then, in a fresh process (so its peak is the planning's
alone), translates and normalises it exactly as the uploads worker does before streaming the
copies to S3 (chalicelib/domain/importer.py), and prints the file sizes, the time and the
process's peak RSS; last, `oneroster_peak_mb=<MB>`. No AWS is needed.

    .venv/bin/python bench/oneroster_bomb.py                  # ~1.5 million users, ~120 MB users.csv
    .venv/bin/python bench/oneroster_bomb.py --users 50000    # the same at a thirtieth: memory stays flat
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEAD = "sourcedId,status,dateLastModified,"


def write_zip(path: Path, users: int) -> dict[str, int]:
    """A OneRoster set: one homeroom per 25 students, every student with a role, an enrollment and
    a birth date; members written row by row, so generating never holds a file either."""
    classes = max(1, users // 25)
    sizes: dict[str, int] = {}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        def member(name: str, header: str, rows: object) -> None:
            with archive.open(name, "w", force_zip64=True) as out:
                out.write(header.encode())
                for row in rows:  # type: ignore[attr-defined]
                    out.write(row.encode())
            sizes[name] = archive.getinfo(name).file_size

        member("manifest.csv", "propertyName,value\n", iter(["oneroster.version,1.2\n"]))
        member("classes.csv", HEAD + "title,grades,courseSourcedId,classType,schoolSourcedId\n",
               (f"hr-{c},,,{5 + c % 7}{'АБВГДЕЖ'[c % 7]}-{c},0{5 + c % 5},c-hr,homeroom,org-1\n"
                for c in range(classes)))
        member("users.csv", HEAD + "enabledUser,username,givenName,familyName,middleName,email,grades\n",
               (f"s{n},,,true,pupil.{n},Александр{n % 97},Константинопольский{n % 89},Владимирович,"
                f"pupil.{n}@school.example.ru,0{5 + n % 5}\n" for n in range(users)))
        member("roles.csv", HEAD + "userSourcedId,roleType,role,orgSourcedId\n",
               (f"r{n},,,s{n},primary,student,org-1\n" for n in range(users)))
        member("enrollments.csv", HEAD + "classSourcedId,schoolSourcedId,userSourcedId,role,primary\n",
               (f"e{n},,,hr-{n % classes},org-1,s{n},student,\n" for n in range(users)))
        member("demographics.csv", HEAD + "birthDate,sex\n",
               (f"s{n},,,2014-0{1 + n % 9}-1{n % 10},male\n" for n in range(users)))
    return sizes


def plan_locally(path: str) -> None:
    """What the worker does with the zip before S3 (translate, check, normalise each kind)."""
    from chalicelib.domain import import_format as fmt
    from chalicelib.domain import importer

    started = time.monotonic()
    rows = 0
    with tempfile.TemporaryDirectory(prefix="bench-oneroster-") as scratch:
        with fmt.opened(path, "oneroster.zip") as entries:
            members, _ = importer._members(entries, "oneroster.zip", scratch)
            for member in members:
                with open(os.path.join(scratch, f"{member.kind.name}.csv"), "w+b") as sink:
                    _, ranges = importer._normalise_member(member, sink)
                rows += sum(count for *_, count in ranges)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"planned_rows={rows} seconds={time.monotonic() - started:.1f} peak_rss_mb={peak_mb:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=1_500_000)
    parser.add_argument("--plan", help=argparse.SUPPRESS)  # the measured child process
    args = parser.parse_args()
    if args.plan:
        plan_locally(args.plan)
        return
    with tempfile.TemporaryDirectory(prefix="bench-oneroster-zip-") as folder:
        path = Path(folder) / "oneroster.zip"
        sizes = write_zip(path, args.users)
        print(f"zip_mb={path.stat().st_size / 2**20:.1f} " + " ".join(
            f"{name}={size / 2**20:.1f}MB" for name, size in sizes.items() if size > 2**20))
        out = subprocess.run([sys.executable, __file__, "--plan", str(path)], check=True, capture_output=True,
                             text=True).stdout
        print(out.strip())
        peak = out.rsplit("peak_rss_mb=", 1)[1].split()[0]
        print(f"oneroster_peak_mb={peak}")


if __name__ == "__main__":
    main()
