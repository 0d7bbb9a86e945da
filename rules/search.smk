# Search stage: API searches (live or replayed) and database-export imports, then the PRISMA-S
# summary. Every search job writes records.csv, manifest.json and its raw responses.

from livingreview.importing import import_paths


rule search_api:
    output:
        records=f"{OUT}/search/{{source}}/records.csv",
        manifest=f"{OUT}/search/{{source}}/manifest.json",
    wildcard_constraints:
        source="|".join(SOURCES) or "^$",
    params:
        spec=source_spec,
        round=SEARCH_ROUND,
        version=CODE_VERSION,
        protocol=PROTOCOL,
        cli=CLI,
    log:
        f"{OUT}/logs/search/{{source}}.log",
    threads: 1
    resources:
        api=1,
        pubmed_api=service_slot("pubmed"),
        europepmc_api=service_slot("europepmc"),
        openalex_api=service_slot("openalex"),
        crossref_api=service_slot("crossref"),
        **SEARCH_RESOURCES,
    retries: 0
    shell:
        "{params.cli} search {wildcards.source} --configfile {params.protocol:q}" + LOGGED


rule import_export:
    input:
        lambda wc: import_paths(config, wc.source),
    output:
        records=f"{OUT}/search/{{source}}/records.csv",
        manifest=f"{OUT}/search/{{source}}/manifest.json",
        provenance=f"{OUT}/search/{{source}}/provenance.csv",
    wildcard_constraints:
        source="|".join(IMPORTS) or "^$",
    params:
        spec=source_spec,
        round=SEARCH_ROUND,  # the manifest names the round (and the round an export belongs to)
        version=CODE_VERSION,
        protocol=PROTOCOL,
        cli=CLI,
    log:
        f"{OUT}/logs/import/{{source}}.log",
    threads: 1
    resources:
        **IMPORT_RESOURCES,
    shell:
        "{params.cli} import --name {wildcards.source} --configfile {params.protocol:q}" + LOGGED


rule search_summary:
    input:
        manifests=expand(f"{OUT}/search/{{source}}/manifest.json", source=ALL_SOURCES),
        records=expand(f"{OUT}/search/{{source}}/records.csv", source=ALL_SOURCES),
        # read by no step, but asked for: an import written by a version before 00e1998 has no
        # provenance.csv, and Snakemake compares no params of an output it has no record of, so
        # without this the first run after an upgrade kept that import as the old code wrote it
        provenance=expand(f"{OUT}/search/{{source}}/provenance.csv", source=IMPORTS),
    output:
        summary=f"{OUT}/search/prisma_s.md",
        table=f"{OUT}/search/prisma_s.csv",
        identified=f"{OUT}/search/identified.csv",
    params:
        deduplication=json.dumps(config["deduplication"], sort_keys=True),  # PRISMA-S item 16
        # checked against each import's manifest: an edited imports section whose new export is
        # missing leaves the old import in place (Snakemake runs no job without its input)
        imports=json.dumps({name: config["imports"][name] for name in IMPORTS}, sort_keys=True),
        version=CODE_VERSION,
        protocol=PROTOCOL,
    log:
        f"{OUT}/logs/search/summary.log",
    threads: 1
    resources:
        **{**STEP_RESOURCES, **SUMMARY_RESOURCES},
    run:
        run_step(["summarise", "--configfile", params.protocol], log[0])
