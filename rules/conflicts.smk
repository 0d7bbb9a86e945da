# After screening: agreement between screeners, final decisions by the protocol's rule, and the
# conflicts sheet for a third reviewer or consensus. Returned conflicts sheets in
# <human_input>/<screening.conflicts_folder>/ are inputs: returning one re-runs the step.

from livingreview.screening.outcome import (
    AGREEMENT_OUTPUTS,
    DECISION_STORE,
    OUTPUTS as OUTCOME_OUTPUTS,
    conflicts_inputs,
)
from livingreview.screening.published_agreement import kept_paths as published_agreement

SCREENING_RULE_SETTINGS = json.dumps(
    {key: config[key] for key in ("screening", "reviewers", "exclusion_reasons")}, sort_keys=True
)


rule agreement:
    input:
        decisions=f"{OUT}/{DECISION_STORE}",
        # earlier rounds' rows as their versions published them
        published=published_agreement(config, "screening"),
    output:
        **{key: f"{OUT}/{path}" for key, path in AGREEMENT_OUTPUTS.items()},
    params:
        screening=json.dumps(config["screening"], sort_keys=True),
        version=CODE_VERSION,
        protocol=PROTOCOL,
    log:
        f"{OUT}/logs/agreement.log",
    resources:
        **STEP_RESOURCES,
    run:
        run_step(["agreement", "--configfile", params.protocol], log[0])


rule conflicts:
    input:
        decisions=f"{OUT}/{DECISION_STORE}",
        records=f"{OUT}/library/records.csv",
        groups=f"{OUT}/library/groups.csv",
        changelog=f"{OUT}/library/changelog.csv",
        counts=f"{OUT}/library/counts.json",
        # studies no reviewer screens (automation, other methods) decide nothing
        automation=f"{OUT}/screening/automation.csv",
        returned=conflicts_inputs(config),
    output:
        **{key: f"{OUT}/{path}" for key, path in OUTCOME_OUTPUTS.items()},
    params:
        settings=SCREENING_RULE_SETTINGS,
        version=CODE_VERSION,
        protocol=PROTOCOL,
    log:
        f"{OUT}/logs/conflicts.log",
    resources:
        **STEP_RESOURCES,
    run:
        run_step(["conflicts", "--configfile", params.protocol], log[0])
