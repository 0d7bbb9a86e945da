"""Bench only (``bench/living.py`` puts this folder on ``PYTHONPATH``): every ``livingreview``
command that runs appends one JSON line to ``$LIVINGREVIEW_BENCH_TIMINGS`` when it ends: its
arguments, wall time since the interpreter started, CPU time (user + system) and peak RSS."""

import atexit
import os
import sys
import time

_FILE = os.environ.get("LIVINGREVIEW_BENCH_TIMINGS")
_BEGAN = time.perf_counter()


def _record() -> None:
    if not sys.argv or not sys.argv[0].endswith(os.path.join("livingreview", "__main__.py")):
        return
    import json
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    line = {
        "command": sys.argv[1:],
        "seconds": time.perf_counter() - _BEGAN,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_mb": usage.ru_maxrss / 1024,
    }
    with open(_FILE, "a", encoding="utf-8") as handle:  # type: ignore[arg-type]
        handle.write(json.dumps(line) + "\n")


if _FILE:
    atexit.register(_record)
