"""A '<' and '>' escaped as text around words are comparisons, not an escaped tag."""

from __future__ import annotations

import json
from pathlib import Path

from livingreview.records import assign_ids
from livingreview.sources import europepmc

POST = "europepmc/epmc_searchPOST_cancer.json"
COMPARISONS = (
    "Adults with FEV1/FVC &lt;LLN and FEV1 &gt;80% predicted were included; "
    "values &lt;LOD or &gt;ULOQ were excluded."
)


def test_escaped_comparisons_keep_their_words_beside_escaped_tags(sources_dir: Path) -> None:
    body = json.loads((sources_dir / POST).read_bytes())
    item = next(r for r in body["resultList"]["result"] if r["id"] == "40191444")
    (record,) = assign_ids("e", [europepmc.map_result({**item, "abstractText": COMPARISONS})])
    assert record.title == "Neopterin extends C. elegans lifespan in an ATFS-1-dependent manner."
    assert record.abstract == (
        "Adults with FEV1/FVC <LLN and FEV1 >80% predicted were included; "
        "values <LOD or >ULOQ were excluded."
    )
