# Deduplication, library side: this round's records matched against every earlier round, one
# merged record per study with a stable study id, and the sheet of "maybe" pairs for a person.
# Returned sheets in <human_input>/<deduplication.decisions_dir>/ are inputs: returning one re-runs.
# Incremental: the engine judges again only what the round's new records reach, from the state the
# last round left in its snapshot (engine.json, pairs.csv; see livingreview.dedup.incremental).

from livingreview.dedup.library import (
    ENGINE_FILES,
    OUTPUTS as LIBRARY_OUTPUTS,
    SNAPSHOT_FILES,
    decision_inputs,
    history_inputs,
    snapshot_dir,
)
from livingreview.reference_export import LIBRARY_EXPORTS

LIBRARY_SNAPSHOT = str(snapshot_dir(config))
LIBRARY_KEPT = [Path(LIBRARY_SNAPSHOT, name) for name in SNAPSHOT_FILES + ENGINE_FILES]
LIBRARY_RECEIPT = history_receipt("library/snapshot.json", LIBRARY_KEPT)


rule library:
    input:
        identified=f"{OUT}/search/identified.csv",
        decisions=decision_inputs(config),
        history=history_inputs(config),
    output:
        **{key: f"{OUT}/{path}" for key, path in LIBRARY_OUTPUTS.items()},
        receipt=LIBRARY_RECEIPT,  # the round's snapshot in the history folder
    params:
        dedup=json.dumps(config["deduplication"], sort_keys=True),
        review_version=REVIEW_VERSION,
        version=CODE_VERSION,
        protocol=PROTOCOL,
    log:
        f"{OUT}/logs/library.log",
    resources:
        **STEP_RESOURCES,
    run:
        run_step(["library", "--configfile", params.protocol], log[0])
        write_receipt(Path(output.receipt), LIBRARY_KEPT)


# Every study's merged record for a reference manager (library.ris, library.bib). Nothing reads
# them, so the export runs as a process of its own beside the later steps (which run one at a
# time in Snakemake's process), not after the library step inside it.
rule library_export:
    input:
        records=f"{OUT}/{LIBRARY_OUTPUTS['records']}",
    output:
        **{key: f"{OUT}/{path}" for key, path in LIBRARY_EXPORTS.items()},
    params:
        version=CODE_VERSION,
        protocol=PROTOCOL,
        cli=CLI,
    log:
        f"{OUT}/logs/library_export.log",
    threads: 1
    resources:
        **EXPORT_RESOURCES,
    shell:
        "{params.cli} export --what library --configfile {params.protocol:q}" + LOGGED
