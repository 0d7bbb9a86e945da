"""livingreview: a living systematic review pipeline."""

__all__ = ["__version__"]


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
