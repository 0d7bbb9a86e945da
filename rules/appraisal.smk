# Risk of bias: per extracted study the tool its design maps to (risk_of_bias.tools_by_design);
# forms per tool and reviewer, robvis tables and plots. Returned forms under
# <human_input>/<risk_of_bias.folder>/ are inputs.

from livingreview.appraisal.stage import (
    FIGURES_DIR as ROB_FIGURES,
    FORMS_DIR as ROB_FORMS,
    OUTPUTS as ROB_OUTPUTS,
    returned_inputs as rob_returned,
    table_outputs as rob_tables,
)


rule appraisal:
    input:
        studies=f"{OUT}/{EXTRACTION_OUTPUTS['studies']}",
        counts=f"{OUT}/library/counts.json",
        returned=rob_returned(config),
    output:
        **{key: f"{OUT}/{path}" for key, path in ROB_OUTPUTS.items()},
        **{f"table_{tool}": f"{OUT}/{path}" for tool, path in rob_tables(config).items()},
        forms=directory(f"{OUT}/{ROB_FORMS}"),
        figures=directory(f"{OUT}/{ROB_FIGURES}"),
    params:
        settings=json.dumps(
            {key: config[key] for key in ("risk_of_bias", "reviewers")}, sort_keys=True
        ),
        version=CODE_VERSION,
        protocol=PROTOCOL,
    log:
        f"{OUT}/logs/appraisal.log",
    resources:
        **STEP_RESOURCES,
    run:
        run_step(["appraise", "--configfile", params.protocol], log[0])
