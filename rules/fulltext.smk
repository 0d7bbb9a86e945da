# Full-text retrieval and eligibility: reports sought are the studies included at title/abstract
# and those found by other methods only (imports whose prisma_box is websites, organisations or
# citation_searching: PRISMA 2020 screens them at full text only).
# Returned full-text sheets and conflicts sheets under <human_input>/<full_text.*folder>/ are
# inputs: returning one re-runs the step; none returned yet is fine (everything pending).

# With full_text.open_access.services (off by default), a step of its own asks OpenAlex, by DOI,
# for open-access copies of the reports sought that no source linked (a network process, like the
# searches and re-fetches); the full-text step fills the sheets' free_full_text cells from it.

from livingreview.fulltext.open_access import FOLDER as OPEN_ACCESS, services as oa_services
from livingreview.fulltext.studies import INCLUDED_COLUMNS
from livingreview.screening.published_agreement import kept_paths as published_agreement
from livingreview.fulltext.stage import (
    OUTPUTS as FULLTEXT_OUTPUTS,
    SHEETS_DIR as FULLTEXT_SHEETS,
    returned_inputs as fulltext_returned,
)

OPEN_ACCESS_SERVICES = oa_services(config)


rule open_access:
    input:
        final=f"{OUT}/screening/final_decisions.csv",
        records=f"{OUT}/library/records.csv",
        groups=f"{OUT}/library/groups.csv",
        changelog=f"{OUT}/library/changelog.csv",
        counts=f"{OUT}/library/counts.json",
    output:
        links=f"{OUT}/{OPEN_ACCESS}/{{service}}/links.csv",
        manifest=f"{OUT}/{OPEN_ACCESS}/{{service}}/manifest.json",
    wildcard_constraints:
        service="|".join(OPEN_ACCESS_SERVICES) or "^$",
    params:
        settings=json.dumps(
            {"open_access": config["full_text"]["open_access"], "mode": config["search"]["mode"]},
            sort_keys=True,
        ),
        round=SEARCH_ROUND,
        version=CODE_VERSION,
        protocol=PROTOCOL,
        cli=CLI,
    log:
        f"{OUT}/logs/open_access/{{service}}.log",
    threads: 1
    resources:
        api=1,
        openalex_api=lambda wc: int(wc.service == "openalex"),
        **SEARCH_RESOURCES,
    shell:
        "{params.cli} open-access {wildcards.service} --configfile {params.protocol:q}" + LOGGED


rule fulltext:
    input:
        final=f"{OUT}/screening/final_decisions.csv",
        records=f"{OUT}/library/records.csv",
        groups=f"{OUT}/library/groups.csv",  # the studies found by other methods only
        changelog=f"{OUT}/library/changelog.csv",  # reports of studies merged since
        counts=f"{OUT}/library/counts.json",
        returned=fulltext_returned(config),
        # earlier rounds' agreement rows as their versions published them
        published=published_agreement(config, "full_text"),
        open_access=expand(
            f"{OUT}/{OPEN_ACCESS}/{{service}}/manifest.json", service=OPEN_ACCESS_SERVICES
        ),
    output:
        **{key: f"{OUT}/{path}" for key, path in FULLTEXT_OUTPUTS.items()},
        sheets=directory(f"{OUT}/{FULLTEXT_SHEETS}"),
    params:
        settings=json.dumps(
            {key: config[key] for key in ("full_text", "reviewers", "exclusion_reasons")},
            sort_keys=True,
        ),
        # the included studies' columns: a table written before one was added (main_report,
        # which the reference-manager exports read) is written again
        columns=",".join(INCLUDED_COLUMNS),
        version=CODE_VERSION,
        protocol=PROTOCOL,
    log:
        f"{OUT}/logs/fulltext.log",
    resources:
        **STEP_RESOURCES,
    run:
        run_step(["fulltext", "--configfile", params.protocol], log[0])
