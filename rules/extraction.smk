# Data extraction: one form per reviewer of the studies included at full text, typed columns
# from extraction.fields. Returned forms under <human_input>/<extraction.folder>/ are inputs.

from livingreview.extraction.stage import (
    FORMS_DIR as EXTRACTION_FORMS,
    OUTPUTS as EXTRACTION_OUTPUTS,
    returned_inputs as extraction_returned,
)


rule extraction:
    input:
        included=f"{OUT}/{FULLTEXT_OUTPUTS['included']}",
        counts=f"{OUT}/library/counts.json",
        returned=extraction_returned(config),
    output:
        **{key: f"{OUT}/{path}" for key, path in EXTRACTION_OUTPUTS.items()},
        forms=directory(f"{OUT}/{EXTRACTION_FORMS}"),
    params:
        settings=json.dumps(
            {key: config[key] for key in ("extraction", "reviewers", "nexus")}, sort_keys=True
        ),
        version=CODE_VERSION,
        protocol=PROTOCOL,
    log:
        f"{OUT}/logs/extraction.log",
    resources:
        **STEP_RESOURCES,
    run:
        run_step(["extract", "--configfile", params.protocol], log[0])
