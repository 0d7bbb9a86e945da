"""livingreview: a living systematic review pipeline."""

import csv

__all__ = ["__version__"]

#: The longest CSV cell :mod:`csv` reads, for every reader of the package: its default, 131,072
#: characters, is less than a database export's author list of a big consortium's paper or a
#: long abstract. 2**31 - 1 is the largest a C long holds on every platform (Windows' is 32 bits,
#: where ``sys.maxsize`` overflows).
CSV_FIELD_LIMIT = 2**31 - 1

csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))


def __getattr__(name: str) -> str:
    """``__version__``, read from the installed package's metadata on first use (importing
    :mod:`importlib.metadata` costs every command that does not need it about 0.08 s)."""
    if name != "__version__":
        raise AttributeError(f"module 'livingreview' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("livingreview")
    except PackageNotFoundError:  # running from a source tree without installation
        found = "0.0.0+unknown"
    globals()["__version__"] = found
    return found
