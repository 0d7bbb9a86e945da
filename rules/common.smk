# Shared helpers for the rules: which searches and imports the protocol enables.

import json
import shlex
import sys
from pathlib import Path

from livingreview.code_version import code_version
from livingreview.config import enabled_imports, enabled_sources
from livingreview.round_state import manifest_round
from livingreview.snapshot_receipts import drop_stale_receipt, write_receipt
from livingreview.steps import run_step

# The code's version (package version + digest of its files): the `version` param of every rule,
# so a step runs again after livingreview is upgraded to another commit, not only when its inputs
# or its rule changed (outputs written by the earlier code are not kept as if written by this).
CODE_VERSION = code_version()
SOURCES = enabled_sources(config)
IMPORTS = enabled_imports(config)
ALL_SOURCES = SOURCES + IMPORTS

# The CLI of the package installed beside this Snakemake (works without an activated venv):
# searches, imports and re-fetches (network and file parsing, run in parallel) are processes of
# their own; every other step is a `run:` block calling run_step, which with the default profile's
# force-use-threads runs in Snakemake's own process (no interpreter start, imports made once).
CLI = f"{shlex.quote(sys.executable)} -m livingreview"
# A step run as a process of its own writes its messages to its log; when it fails, its last
# line (the one-line error naming file, row and field) is shown on the console too, as an
# in-process step's StepFailed shows it, instead of Snakemake's bare exit status alone.
LOGGED = (
    " 2> {log:q} || {{ code=$?; printf '%s (log: %s)\\n' \"$(tail -n 1 {log:q})\" {log:q} >&2;"
    " exit $code; }}"
)
# Steps in Snakemake's own process run one at a time (livingreview.steps): each holds the
# `in_process` slot, which the profiles cap at 1, so that a step waiting for its turn does not
# hold a core a search or re-fetch process could use meanwhile. On a cluster each step is a job
# of its own: memory (MB) and runtime (minutes) are generous upper bounds for 100,000 records (the
# library step peaks at about 1.2 GB there, bench/scale.py).
STEP_RESOURCES = {"in_process": 1, "mem_mb": 4000, "runtime": 60}
# The review version being run (review.version, rounds.yaml's last round applied): a param of
# every rule whose step stamps it on its outputs or files them under it in the history folder
# (searches and re-fetches, library, flags, PRISMA ledger, report), so a new round, or a version
# renamed by hand, re-runs them even when nothing else changed (the same window, the same
# records). The later stages follow from the library's outputs.
REVIEW_VERSION = str(config["review"]["version"])
SEARCH_ROUND = json.dumps(manifest_round(config), sort_keys=True)  # what a manifest records


# Cluster resources (see profiles/). Every search holds one `api` slot and, for its service, one
# `<service>_api` slot; a profile caps both, so NCBI's per-IP limit holds whatever runs in
# parallel. Memory in MB and runtime in minutes are generous upper bounds for 100,000 records.
CLIENT_OF = {name: config["sources"][name]["client"] for name in SOURCES}
SEARCH_RESOURCES = {"mem_mb": 2000, "runtime": 240}
IMPORT_RESOURCES = {"mem_mb": 2000, "runtime": 30}
EXPORT_RESOURCES = {"mem_mb": 2000, "runtime": 30}
SUMMARY_RESOURCES = {"mem_mb": 4000, "runtime": 30}


def history_receipt(name, kept):
    """``<outputs>/<name>``: the receipt a rule declares for the files ``kept`` its step keeps in
    the history folder, which are never outputs (Snakemake deletes a job's outputs before running
    it; see livingreview.snapshot_receipts). A receipt its files no longer match is dropped here,
    so the step runs again and writes them."""
    receipt = f"{OUT}/{name}"
    drop_stale_receipt(Path(receipt), kept)
    return receipt


def service_slot(service):
    """Resource value: 1 for a search run by ``service``'s client, else 0."""
    return lambda wildcards: int(CLIENT_OF.get(wildcards.source) == service)


# What a search or import writes depends on its own protocol section and, for an API search, on
# the `search` keys below (livingreview.search: build_spec, run_search), so editing these and only
# these re-runs it; a live search run again is a new search of the round. Left out, as they do
# not change what is found or written: contact_email_env and secrets_file (where the e-mail and
# keys are looked up: politeness and rate limits), round_overlap_days (read by `round new`,
# which writes the window into rounds.yaml: date_range), refetch (the refetch rule's own).
# Imports read none of `search`: their files are their inputs.
def search_settings(source):
    """The `search` keys one API search reads: a key the source sets itself wins."""
    search = config["search"]
    found = {"mode": search["mode"]}
    if search["mode"] == "replay":
        found["replay_dir"] = search.get("replay_dir", "")
    for key in ("date_range", "languages"):
        if not source.get(key):
            found[key] = search.get(key)
    return found


def source_spec(wildcards):
    """The protocol section of one source, and the `search` keys an API search reads, so that
    editing them (and only them) re-runs its search or import."""
    if wildcards.source not in SOURCES:
        return json.dumps(config["imports"][wildcards.source], sort_keys=True)
    spec = dict(config["sources"][wildcards.source])
    spec["_search"] = search_settings(spec)
    return json.dumps(spec, sort_keys=True)
