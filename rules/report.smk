# The evidence summary: a self-contained HTML page and its Markdown twin, re-rendered whenever a
# stage's outputs change. Stages that have not run yet show as pending sections.

from livingreview.report.context import INPUTS as REPORT_INPUTS


rule report:
    input:
        **{key: f"{OUT}/{path}" for key, path in REPORT_INPUTS.items()},
    output:
        html=report(
            f"{OUT}/report/index.html",
            category="Evidence summary",
            caption="../workflow/report/caption.rst",
        ),
        markdown=f"{OUT}/report/report.md",
    params:
        protocol=PROTOCOL,
        report=json.dumps(config["report"], sort_keys=True),
        version=__version__,
        cli=CLI,
    log:
        f"{OUT}/logs/report.log",
    shell:
        "{params.cli} report --configfile {params.protocol} 2> {log}"
