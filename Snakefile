# livingreview: the table of contents of the pipeline.
#   snakemake                      (a real review, live searches: config/config.yaml, 2 cores)
#   make demo                                                       (the embedded demo, offline)
# The logic lives in the `livingreview` package (workflow/livingreview/); rules only call its CLI.

import gc
import sys
from pathlib import Path

from livingreview.config import (
    check_config_or_exit,
    read_configfile_or_exit,
    write_resolved_protocol,
)
from livingreview.dedup.rounds import check_later_rounds
from livingreview.errors import LivingReviewError
from livingreview.importing import require_all_files
from livingreview.run_manifest import NAME as RUN_MANIFEST
from livingreview.run_manifest import forget_run_manifest

# The `configfile: "config/config.yaml"` directive, with a value Snakemake's YAML reader cannot
# build (an impossible unquoted date) named in one line instead of a traceback.
read_configfile_or_exit(workflow, "config/config.yaml")

# One clear line naming the key for a wrong config (exit 2); the protocol validated against
# workflow/schemas/config.schema.yaml, defaults filled in and set to the current round of
# rounds.yaml (review.version and search dates) is what the rules see and the CLI reads.
PROTOCOL_CONFIG = check_config_or_exit(config)
# A snapshot a later round left in the history folder (the round cut from rounds.yaml) stops the
# run before any job: nothing in the history folder is a Snakemake output, nor deleted. So does
# an export the protocol names that is not in the human-input folder (named with its config key).
try:
    check_later_rounds(PROTOCOL_CONFIG)
    require_all_files(PROTOCOL_CONFIG)
except LivingReviewError as exc:
    print(f"livingreview: error: {exc}", file=sys.stderr)
    raise SystemExit(2) from None
config.clear()
config.update(PROTOCOL_CONFIG)

OUT = config["paths"]["outputs"]
PROTOCOL = write_resolved_protocol(PROTOCOL_CONFIG)


include: "rules/common.smk"
include: "rules/search.smk"
include: "rules/dedup.smk"
include: "rules/flags.smk"
include: "rules/automation.smk"
include: "rules/screening.smk"
include: "rules/conflicts.smk"
include: "rules/fulltext.smk"
include: "rules/extraction.smk"
include: "rules/appraisal.smk"
include: "rules/prisma.smk"
include: "rules/report.smk"


# A run killed outright (kill -9, the out-of-memory killer, a power loss) may have left the
# temporary file of a write it was inside, in the outputs or in the history folder, which is
# no output: the next run deletes such files before its first job, but none a live process
# still writes (it holds the file's lock; livingreview.fileio.remove_leftover_temp_files).
onstart:
    from livingreview.dedup.rounds import history_dir
    from livingreview.fileio import remove_leftover_temp_files

    for left in remove_leftover_temp_files([Path(OUT), history_dir(config)]):
        print(f"livingreview: removed {left}, left by a run that was stopped", file=sys.stderr)
    # This run has jobs to do: the manifest of an earlier run would no longer vouch for the
    # outputs once one of them ran. The run writes it again as its last step, if it builds every
    # target (a run of some targets, a failed or a killed run leaves none).
    forget_run_manifest(Path(OUT))


onsuccess:
    # The run is over: what the process holds (libraries, DAG, what steps kept) is left out of
    # the cycle collector's full passes at exit, which went over all of it again (about 1 CPU s
    # of an update's Snakemake process); the system reclaims the memory of the process anyway.
    gc.freeze()


# What a whole run builds: the targets of `rule all`, which the run manifest covers.
FINAL_TARGETS = [
    f"{OUT}/report/index.html",
    f"{OUT}/search/prisma_s.md",
    f"{OUT}/search/identified.csv",
    f"{OUT}/library/records.csv",
    f"{OUT}/library/counts.json",
    f"{OUT}/library/library.ris",  # for a reference manager (rule library_export)
    f"{OUT}/library/library.bib",
    f"{OUT}/library/flags.csv",
    f"{OUT}/dedup/maybe_pairs.xlsx",
    f"{OUT}/prisma/ledger.json",
    f"{OUT}/prisma/flow.svg",
    f"{OUT}/screening/automation.csv",
    f"{OUT}/screening/automation_counts.json",
    f"{OUT}/screening/agreement.csv",
    f"{OUT}/screening/final_decisions.csv",
    f"{OUT}/screening/conflicts.xlsx",
    f"{OUT}/screening/decisions.csv",
    f"{OUT}/screening/status.json",
    f"{OUT}/fulltext/outcome.json",
    f"{OUT}/fulltext/decisions.csv",
    f"{OUT}/fulltext/excluded.csv",
    f"{OUT}/extraction/studies.csv",
    f"{OUT}/rob/summary.csv",
    f"{OUT}/rob/status.json",
    # receipts of what the steps keep in the history folder (rules/common.smk)
    LIBRARY_RECEIPT,
    FLAGS_RECEIPT,
    PRISMA_RECEIPT,
    REPORT_RECEIPT,
]


include: "rules/manifest.smk"  # the run manifest, the last step: built from FINAL_TARGETS


rule all:
    default_target: True
    input:
        FINAL_TARGETS,
        f"{OUT}/{RUN_MANIFEST}",


# Snakemake's objects, the protocol and the rules read so far live as long as the process: left
# out of the cycle collector's passes (a run with nothing to do ends 0.4 CPU s sooner). Each
# in-process step puts them back when it ends (livingreview.steps).
gc.freeze()
