# PRISMA 2020: the counts ledger of every round, computed from the pipeline's outputs and checked
# (inconsistent counts stop the run), then the flow diagram and the four living layouts.
# The screening and full-text outputs are inputs once rules that write them are included.

from livingreview.prisma.collect import STAGE_FILES as PRISMA_STAGE_FILES
from livingreview.prisma.stage import (
    OUTPUTS as PRISMA_OUTPUTS,
    history_inputs as prisma_history,
    snapshot_path as prisma_snapshot,
)


def made_by_a_rule(path):
    """Whether a rule included so far writes ``path`` (later stages join as they are added)."""
    return any(str(out) == path for rule in workflow.rules for out in rule.output)


PRISMA_KEPT = [prisma_snapshot(config)]
PRISMA_RECEIPT = history_receipt("prisma/snapshot.json", PRISMA_KEPT)
PRISMA_STAGE_INPUTS = [
    path
    for path in (f"{OUT}/{name}" for name in PRISMA_STAGE_FILES)
    if made_by_a_rule(path)
]


rule prisma_ledger:
    input:
        manifests=expand(f"{OUT}/search/{{source}}/manifest.json", source=ALL_SOURCES),
        counts=f"{OUT}/library/counts.json",
        stages=PRISMA_STAGE_INPUTS,
        history=prisma_history(config),
    output:
        **{key.replace(".", "_"): f"{OUT}/{path}" for key, path in PRISMA_OUTPUTS.items()},
        receipt=PRISMA_RECEIPT,  # the round's ledger snapshot in the history folder
    params:
        review_version=REVIEW_VERSION,
        version=CODE_VERSION,
        protocol=PROTOCOL,
    log:
        f"{OUT}/logs/prisma.log",
    resources:
        **STEP_RESOURCES,
    run:
        run_step(["ledger", "--configfile", params.protocol], log[0])
        write_receipt(Path(output.receipt), PRISMA_KEPT)
