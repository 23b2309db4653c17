"""Cold start: import time of the app against importing just chalice, boto3 and pynamodb.

Each figure is the median of several fresh interpreters (a cold start is a fresh process).
The last line is `import_vs_bare_stack=<ratio>`; the target is 1.25 or less.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 9

BARE = "import chalice, boto3, pynamodb.models"
APP = "import app"


def measure(statement: str) -> float:
    """Median wall time in ms of `statement` in a fresh interpreter."""
    code = f"import time; t=time.perf_counter(); {statement}; print((time.perf_counter()-t)*1000)"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "0"}
    samples = []
    for _ in range(RUNS + 1):
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                             text=True, check=True)
        samples.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(samples[1:])  # the first run only warms the bytecode cache


def main() -> None:
    """Print both figures and the ratio."""
    bare = measure(BARE)
    app = measure(APP)
    print(f"bare stack (chalice+boto3+pynamodb): {bare:.1f} ms (median of {RUNS})")
    print(f"app: {app:.1f} ms (median of {RUNS})")
    print(f"import_vs_bare_stack={app / bare:.2f}")


if __name__ == "__main__":
    main()
