# Retractions and corrections: library records their sources mark retracted, corrected or under an
# expression of concern (publication types, PubMed/Europe PMC comment links, Crossref updates,
# OpenAlex is_retracted, MEDLINE RIN/EIN tags of imported .nbib files), with each round's evidence
# kept beside its library snapshot. Studies earlier rounds kept in the review are asked for again
# by PMID/DOI (search.refetch), so a later retraction is seen outside the round's date window.

from livingreview.flags import OUTPUT as FLAGS_OUTPUT, SNAPSHOT as FLAGS_SNAPSHOT
from livingreview.flags import history_inputs as flags_history
from livingreview.refetch import services as refetch_services

REFETCH = refetch_services(config)
FLAGS_KEPT = [Path(LIBRARY_SNAPSHOT, FLAGS_SNAPSHOT)]
FLAGS_RECEIPT = history_receipt("library/flags_snapshot.json", FLAGS_KEPT)


rule refetch:
    input:
        final=f"{OUT}/screening/final_decisions.csv",
        included=f"{OUT}/fulltext/included_studies.csv",
        excluded=f"{OUT}/fulltext/excluded.csv",
        identified=f"{OUT}/search/identified.csv",
        groups=f"{OUT}/library/groups.csv",
        counts=f"{OUT}/library/counts.json",
        library_history=history_inputs(config),
    output:
        records=f"{OUT}/refetch/{{service}}/records.csv",
        manifest=f"{OUT}/refetch/{{service}}/manifest.json",
    wildcard_constraints:
        service="|".join(REFETCH) or "^$",
    params:
        settings=json.dumps(
            {"refetch": config["search"]["refetch"], "mode": config["search"]["mode"]},
            sort_keys=True,
        ),
        round=SEARCH_ROUND,
        version=CODE_VERSION,
        protocol=PROTOCOL,
        cli=CLI,
    log:
        f"{OUT}/logs/refetch/{{service}}.log",
    threads: 1
    resources:
        api=1,
        pubmed_api=lambda wc: int(wc.service == "pubmed"),
        europepmc_api=0,
        openalex_api=lambda wc: int(wc.service == "openalex"),
        crossref_api=lambda wc: int(wc.service == "crossref"),
        **SEARCH_RESOURCES,
    shell:
        "{params.cli} refetch {wildcards.service} --configfile {params.protocol:q}" + LOGGED


rule flags:
    input:
        identified=f"{OUT}/search/identified.csv",
        groups=f"{OUT}/library/groups.csv",
        manifests=expand(f"{OUT}/search/{{source}}/manifest.json", source=ALL_SOURCES),
        refetched=expand(f"{OUT}/refetch/{{service}}/manifest.json", service=REFETCH),
        library_history=history_inputs(config),
        history=flags_history(config),
    output:
        flags=f"{OUT}/{FLAGS_OUTPUT}",
        receipt=FLAGS_RECEIPT,  # the round's evidence in the history folder
    params:
        review_version=REVIEW_VERSION,
        version=CODE_VERSION,
        protocol=PROTOCOL,
    log:
        f"{OUT}/logs/flags.log",
    resources:
        **STEP_RESOURCES,
    run:
        run_step(["flags", "--configfile", params.protocol], log[0])
        write_receipt(Path(output.receipt), FLAGS_KEPT)
