# Shared helpers for the rules: which searches and imports the protocol enables.

import json
import shlex
import sys

from livingreview import __version__
from livingreview.config import enabled_imports, enabled_sources
from livingreview.steps import run_step

SOURCES = enabled_sources(config)
IMPORTS = enabled_imports(config)
ALL_SOURCES = SOURCES + IMPORTS

# The CLI of the package installed beside this Snakemake (works without an activated venv):
# searches, imports and re-fetches (network and file parsing, run in parallel) are processes of
# their own; every other step is a `run:` block calling run_step, which with the default profile's
# force-use-threads runs in Snakemake's own process (no interpreter start, imports made once).
CLI = f"{shlex.quote(sys.executable)} -m livingreview"
# Steps in Snakemake's own process run one at a time (livingreview.steps): each holds the
# `in_process` slot, which the profiles cap at 1, so that a step waiting for its turn does not
# hold a core a search or re-fetch process could use meanwhile.
STEP_RESOURCES = {"in_process": 1}


# Cluster resources (see profiles/). Every search holds one `api` slot and, for its service, one
# `<service>_api` slot; a profile caps both, so NCBI's per-IP limit holds whatever runs in
# parallel. Memory in MB and runtime in minutes are generous upper bounds for 100,000 records.
CLIENT_OF = {name: config["sources"][name]["client"] for name in SOURCES}
SEARCH_RESOURCES = {"mem_mb": 2000, "runtime": 240}
IMPORT_RESOURCES = {"mem_mb": 2000, "runtime": 30}
SUMMARY_RESOURCES = {"mem_mb": 4000, "runtime": 30}


def service_slot(service):
    """Resource value: 1 for a search run by ``service``'s client, else 0."""
    return lambda wildcards: int(CLIENT_OF.get(wildcards.source) == service)


def source_spec(wildcards):
    """The protocol section of one source, so that editing it (and only it) reruns its search."""
    section = "sources" if wildcards.source in SOURCES else "imports"
    spec = dict(config[section][wildcards.source])
    spec["_search"] = config["search"]
    return json.dumps(spec, sort_keys=True)
