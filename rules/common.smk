# Shared helpers for the rules: which searches and imports the protocol enables.

import json
import shlex
import sys

from livingreview import __version__
from livingreview.config import enabled_imports, enabled_sources

SOURCES = enabled_sources(config)
IMPORTS = enabled_imports(config)
ALL_SOURCES = SOURCES + IMPORTS

# The CLI of the package installed beside this Snakemake (works without an activated venv).
CLI = f"{shlex.quote(sys.executable)} -m livingreview"


def source_spec(wildcards):
    """The protocol section of one source, so that editing it (and only it) reruns its search."""
    section = "sources" if wildcards.source in SOURCES else "imports"
    spec = dict(config[section][wildcards.source])
    spec["_search"] = config["search"]
    return json.dumps(spec, sort_keys=True)
