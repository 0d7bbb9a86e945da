# Retractions and corrections: library records their sources mark retracted, corrected or under an
# expression of concern (publication types, PubMed/Europe PMC comment links, Crossref updates,
# OpenAlex is_retracted), with each round's evidence kept beside its library snapshot.

from livingreview.flags import OUTPUT as FLAGS_OUTPUT, SNAPSHOT as FLAGS_SNAPSHOT
from livingreview.flags import history_inputs as flags_history


rule flags:
    input:
        identified=f"{OUT}/search/identified.csv",
        groups=f"{OUT}/library/groups.csv",
        manifests=expand(f"{OUT}/search/{{source}}/manifest.json", source=SOURCES),
        library_history=history_inputs(config),
        history=flags_history(config),
    output:
        flags=f"{OUT}/{FLAGS_OUTPUT}",
        snapshot=f"{LIBRARY_SNAPSHOT}/{FLAGS_SNAPSHOT}",
    params:
        version=__version__,
        protocol=PROTOCOL,
        cli=CLI,
    log:
        f"{OUT}/logs/flags.log",
    shell:
        "{params.cli} flags --configfile {params.protocol} 2> {log}"
