# Title/abstract screening: every returned sheet in <human_input>/<screening.folder>/ is read into
# the append-only decision store, then this round's sheet per reviewer is written. Returning a
# sheet re-runs the step; no returned sheet yet is fine (everything pending).

from livingreview.screening.stage import (
    OUTPUTS as SCREENING_OUTPUTS,
    SHEETS_DIR as SCREENING_SHEETS,
    returned_inputs as screening_returned,
)


rule screening:
    input:
        records=f"{OUT}/library/records.csv",
        groups=f"{OUT}/library/groups.csv",
        changelog=f"{OUT}/library/changelog.csv",
        counts=f"{OUT}/library/counts.json",
        automation=f"{OUT}/screening/automation.csv",
        returned=screening_returned(config),
    output:
        **{key: f"{OUT}/{path}" for key, path in SCREENING_OUTPUTS.items()},
        sheets=directory(f"{OUT}/{SCREENING_SHEETS}"),
    params:
        screening=json.dumps(
            {
                key: config[key]
                for key in ("screening", "reviewers", "exclusion_reasons", "eligibility")
            },
            sort_keys=True,
        ),
        version=CODE_VERSION,
        protocol=PROTOCOL,
    log:
        f"{OUT}/logs/screening.log",
    resources:
        **STEP_RESOURCES,
    run:
        run_step(["screen", "--configfile", params.protocol], log[0])
