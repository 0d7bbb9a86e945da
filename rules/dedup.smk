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
        # every study's merged record for a reference manager: library.ris and library.bib
        **{key: f"{OUT}/{path}" for key, path in LIBRARY_EXPORTS.items()},
        receipt=LIBRARY_RECEIPT,  # the round's snapshot in the history folder
    params:
        dedup=json.dumps(config["deduplication"], sort_keys=True),
        review_version=REVIEW_VERSION,
        version=__version__,
        protocol=PROTOCOL,
    log:
        f"{OUT}/logs/library.log",
        export=f"{OUT}/logs/library_export.log",
    resources:
        **STEP_RESOURCES,
    run:
        run_step(["library", "--configfile", params.protocol], log[0])
        run_step(["export", "--what", "library", "--configfile", params.protocol], log.export)
        write_receipt(Path(output.receipt), LIBRARY_KEPT)
