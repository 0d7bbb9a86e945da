# Shared helpers for the rules: which searches and imports the protocol enables.

import json

from livingreview import __version__
from livingreview.config import enabled_imports, enabled_sources

SOURCES = enabled_sources(config)
IMPORTS = enabled_imports(config)
ALL_SOURCES = SOURCES + IMPORTS


def source_spec(wildcards):
    """The protocol section of one source, so that editing it (and only it) reruns its search."""
    section = "sources" if wildcards.source in SOURCES else "imports"
    spec = dict(config[section][wildcards.source])
    spec["_search"] = config["search"]
    return json.dumps(spec, sort_keys=True)
