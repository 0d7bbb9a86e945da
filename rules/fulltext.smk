# Full-text retrieval and eligibility: reports sought are the studies included at title/abstract
# and those found by other methods only (imports whose prisma_box is websites, organisations or
# citation_searching: PRISMA 2020 screens them at full text only).
# Returned full-text sheets and conflicts sheets under <human_input>/<full_text.*folder>/ are
# inputs: returning one re-runs the step; none returned yet is fine (everything pending).

from livingreview.fulltext.stage import (
    OUTPUTS as FULLTEXT_OUTPUTS,
    SHEETS_DIR as FULLTEXT_SHEETS,
    returned_inputs as fulltext_returned,
)


rule fulltext:
    input:
        final=f"{OUT}/screening/final_decisions.csv",
        records=f"{OUT}/library/records.csv",
        groups=f"{OUT}/library/groups.csv",  # the studies found by other methods only
        changelog=f"{OUT}/library/changelog.csv",  # reports of studies merged since
        counts=f"{OUT}/library/counts.json",
        returned=fulltext_returned(config),
    output:
        **{key: f"{OUT}/{path}" for key, path in FULLTEXT_OUTPUTS.items()},
        sheets=directory(f"{OUT}/{FULLTEXT_SHEETS}"),
    params:
        settings=json.dumps(
            {key: config[key] for key in ("full_text", "reviewers", "exclusion_reasons")},
            sort_keys=True,
        ),
        version=__version__,
        protocol=PROTOCOL,
    log:
        f"{OUT}/logs/fulltext.log",
    resources:
        **STEP_RESOURCES,
    run:
        run_step(["fulltext", "--configfile", params.protocol], log[0])
