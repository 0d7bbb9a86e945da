# Automation exclusions: the protocol's publication-type, language and year limits applied to every
# study in the library before screening; the screening export skips the studies listed.

from livingreview.screening.automation import OUTPUTS as AUTOMATION_OUTPUTS


rule automation:
    input:
        records=f"{OUT}/library/records.csv",
        groups=f"{OUT}/library/groups.csv",
        changelog=f"{OUT}/library/changelog.csv",
        counts=f"{OUT}/library/counts.json",
    output:
        **{key: f"{OUT}/{path}" for key, path in AUTOMATION_OUTPUTS.items()},
    params:
        automation=json.dumps(config.get("automation", {}), sort_keys=True),
        version=CODE_VERSION,
        protocol=PROTOCOL,
    log:
        f"{OUT}/logs/automation.log",
    resources:
        **STEP_RESOURCES,
    run:
        run_step(["automation", "--configfile", params.protocol], log[0])
