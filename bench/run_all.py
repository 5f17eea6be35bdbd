"""Run every bench/bench_*.py in turn (``make bench``). Each prints its own figures."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

here = Path(__file__).resolve().parent
names = sys.argv[1:]
for script in sorted(here.glob("bench_*.py")):
    if names and not any(n in script.stem for n in names):
        continue
    print(f"\n=== {script.name}", flush=True)
    runpy.run_path(str(script), run_name="__main__")
