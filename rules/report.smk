# The evidence summary: a self-contained HTML page and its Markdown twin, re-rendered whenever a
# stage's outputs change. Stages that have not run yet show as pending sections. Each version
# keeps a copy of its report and the state its changelog compares (included studies, extraction,
# risk of bias, flags, the protocol's methods settings, the agreement tables it published) in
# <history_dir>/<version>/report/; the next version reads them.

from livingreview.report.changes import history_inputs as report_history
from livingreview.report.changes import kept_outputs as report_kept
from livingreview.report.amendments import methods_digest
from livingreview.report.context import INPUTS as REPORT_INPUTS
from livingreview.report.context import NEXUS_RISKS_CSV, nexus_risk_choices
from livingreview.report.context import NEXUS_EVIDENCE_CSV, nexus_evidence_fields
from livingreview.reference_export import INCLUDED_EXPORTS, LIBRARY_CSV

REPORT_KEPT = [Path(path) for path in report_kept(config).values()]
REPORT_RECEIPT = history_receipt("report/kept.json", REPORT_KEPT)


rule report:
    input:
        **{key: f"{OUT}/{path}" for key, path in REPORT_INPUTS.items()},
        history=report_history(config),
        library=f"{OUT}/{LIBRARY_CSV}",  # the included studies' whole records, for the exports
    output:
        html=report(
            f"{OUT}/report/index.html",
            category="Evidence summary",
            caption="../workflow/report/caption.rst",
        ),
        markdown=f"{OUT}/report/report.md",
        changelog=f"{OUT}/report/changelog.csv",
        checklist=f"{OUT}/report/prisma_checklist.csv",  # PRISMA 2020, PRISMA-S, PRISMA-LSR L1
        checklist_markdown=f"{OUT}/report/prisma_checklist.md",
        # the Nexus section's studies per risk and level, when the risks are choices
        **({"nexus_risks": f"{OUT}/report/{NEXUS_RISKS_CSV}"} if nexus_risk_choices(config) else {}),
        # the Nexus section's studies per evidence field, answer and level, when both are set
        **(
            {"nexus_evidence": f"{OUT}/report/{NEXUS_EVIDENCE_CSV}"}
            if nexus_evidence_fields(config)
            else {}
        ),
        # the included studies for a reference manager: included_studies.ris and .bib
        **{key: f"{OUT}/{path}" for key, path in INCLUDED_EXPORTS.items()},
        receipt=REPORT_RECEIPT,  # the version's kept report and state in the history folder
    params:
        protocol=PROTOCOL,
        report=json.dumps(config["report"], sort_keys=True),
        methods=methods_digest(config),  # an amendment no other step reads renders it again
        review_version=REVIEW_VERSION,
        version=CODE_VERSION,
    log:
        f"{OUT}/logs/report.log",
        export=f"{OUT}/logs/report_export.log",
    resources:
        **STEP_RESOURCES,
    run:
        run_step(["report", "--configfile", params.protocol], log[0])
        run_step(["export", "--what", "included", "--configfile", params.protocol], log.export)
        write_receipt(Path(output.receipt), REPORT_KEPT)
