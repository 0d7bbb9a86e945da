"""Bench only (``bench/living.py`` puts this folder on ``PYTHONPATH``): every ``livingreview``
command appends one JSON line to ``$LIVINGREVIEW_BENCH_TIMINGS`` when it ends: its arguments,
wall time, CPU time (user + system) and peak RSS. A command run as its own process is measured
from the interpreter's start to its exit; a step Snakemake runs in its own process
(``livingreview.steps.run_step``) from the call to its return, CPU time of its thread, peak RSS
of the Snakemake process. With ``$LIVINGREVIEW_BENCH_PROFILE`` set to a folder, each in-process
step also leaves a cProfile file there (``<n>-<command>.prof``)."""

import atexit
import importlib.abc
import importlib.util
import os
import sys
import time

_FILE = os.environ.get("LIVINGREVIEW_BENCH_TIMINGS")
_BEGAN = time.perf_counter()
_STEPS = "livingreview.steps"
_PROFILES = os.environ.get("LIVINGREVIEW_BENCH_PROFILE")


def _write(command: list[str], seconds: float, cpu: float) -> None:
    import json
    import resource

    line = {
        "command": command,
        "ended": time.time(),  # for a timeline of the run
        "seconds": seconds,
        "cpu": cpu,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    with open(_FILE, "a", encoding="utf-8") as handle:  # type: ignore[arg-type]
        handle.write(json.dumps(line) + "\n")


def _record() -> None:
    if not sys.argv or not sys.argv[0].endswith(os.path.join("livingreview", "__main__.py")):
        return
    times = os.times()
    _write(sys.argv[1:], time.perf_counter() - _BEGAN, times.user + times.system)


def _timed(run_step):  # type: ignore[no-untyped-def]
    def timed(argv, log):  # type: ignore[no-untyped-def]
        began, cpu = time.perf_counter(), time.thread_time()
        profile = None
        if _PROFILES:
            import cProfile

            profile = cProfile.Profile()
            profile.enable()
        try:
            return run_step(argv, log)
        finally:
            if profile is not None:
                profile.disable()
                done = len(os.listdir(_PROFILES))
                name = argv[0] if argv else "step"
                profile.dump_stats(os.path.join(_PROFILES, f"{done:02d}-{name}.prof"))
            _write(list(argv), time.perf_counter() - began, time.thread_time() - cpu)

    return timed


class _TimeSteps(importlib.abc.MetaPathFinder):
    """Wraps ``run_step`` when ``livingreview.steps`` is first imported."""

    def find_spec(self, name, path, target=None):  # type: ignore[no-untyped-def]
        if name != _STEPS:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        execute = spec.loader.exec_module

        def exec_module(module):  # type: ignore[no-untyped-def]
            execute(module)
            module.run_step = _timed(module.run_step)

        spec.loader.exec_module = exec_module
        return spec


if _FILE:
    atexit.register(_record)
    sys.meta_path.insert(0, _TimeSteps())
