# The evidence summary: a self-contained HTML page and its Markdown twin, re-rendered whenever a
# stage's outputs change. Stages that have not run yet show as pending sections.

from livingreview.report.context import INPUTS as REPORT_INPUTS


rule report:
    input:
        prisma_s=f"{OUT}/{REPORT_INPUTS['prisma_s']}",
        counts=f"{OUT}/{REPORT_INPUTS['library_counts']}",
        changelog=f"{OUT}/{REPORT_INPUTS['library_changelog']}",
    output:
        html=report(
            f"{OUT}/report/index.html",
            category="Evidence summary",
            caption="../workflow/report/caption.rst",
        ),
        markdown=f"{OUT}/report/report.md",
    params:
        protocol=PROTOCOL,
        version=__version__,
        cli=CLI,
    log:
        f"{OUT}/logs/report.log",
    shell:
        "{params.cli} report --configfile {params.protocol} 2> {log}"
