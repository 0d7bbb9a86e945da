# PRISMA 2020: the counts ledger of every round, computed from the pipeline's outputs and checked
# (inconsistent counts stop the run), then the flow diagram and the four living layouts.
# Screening outputs are inputs only when those stages are part of the workflow.

from livingreview.prisma.stage import (
    OUTPUTS as PRISMA_OUTPUTS,
    history_inputs as prisma_history,
    snapshot_path as prisma_snapshot,
)

PRISMA_STAGE_INPUTS = []
if "AUTOMATION_OUTPUTS" in globals():
    PRISMA_STAGE_INPUTS.append(f"{OUT}/{AUTOMATION_OUTPUTS['counts']}")


rule prisma_ledger:
    input:
        manifests=expand(f"{OUT}/search/{{source}}/manifest.json", source=ALL_SOURCES),
        counts=f"{OUT}/library/counts.json",
        stages=PRISMA_STAGE_INPUTS,
        history=prisma_history(config),
    output:
        **{key.replace(".", "_"): f"{OUT}/{path}" for key, path in PRISMA_OUTPUTS.items()},
        snapshot=str(prisma_snapshot(config)),
    params:
        version=__version__,
        protocol=PROTOCOL,
        cli=CLI,
    log:
        f"{OUT}/logs/prisma.log",
    shell:
        "{params.cli} ledger --configfile {params.protocol} 2> {log}"
