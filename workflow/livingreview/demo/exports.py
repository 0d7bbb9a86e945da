"""Demo export files of databases without a free API, in each platform's export layout."""

from __future__ import annotations

import csv
import io

from livingreview.demo.facts import Paper, sentence_case

DEMO_NOTE = "Demo snapshot: illustrative export built from real bibliographic facts"


def _ris_lines(tags: list[tuple[str, str]]) -> list[str]:
    return [f"{tag}  - {value}".rstrip() if value else f"{tag}  -" for tag, value in tags]


def web_of_science_ris(papers: list[Paper]) -> bytes:
    """A Web of Science RIS export: UTF-8 BOM, CRLF, upper-case source titles, WOS accessions."""
    lines: list[str] = []
    for paper in papers:
        tags: list[tuple[str, str]] = [("TY", "JOUR")]
        tags += [("AU", f"{s}, {i}") for s, i in paper.authors]
        tags.append(("TI", paper.title))
        if paper.journal:
            tags.append(("T2", paper.journal.upper()))
        for tag, value in (
            ("PY", paper.year),
            ("VL", paper.volume),
            ("IS", paper.issue),
            ("SP", paper.first_page),
            ("EP", paper.last_page),
            ("DO", paper.doi),
        ):
            if value:
                tags.append((tag, value))
        if paper.pmid:
            tags.append(("C7", f"PMID {paper.pmid}"))
        tags.append(("AN", f"WOS:000{paper.digits('wos', 12)}"))
        tags.append(("ER", ""))
        lines += [*_ris_lines(tags), ""]
    lines.append("EF")
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def psycnet_ris(papers: list[Paper]) -> bytes:
    """An APA PsycNET RIS export: 3-line preamble, PMID tag, T1/JF/A1/Y1, some titles re-cased."""
    lines = [
        "Provider: American Psychological Association",
        "Database: PsycINFO",
        "Content: application/x-research-info-systems",
        "",
    ]
    for paper in papers:
        tags: list[tuple[str, str]] = [("TY", "JOUR")]
        if paper.pmid:
            tags.append(("PMID", paper.pmid))
        tags.append(("ID", f"{paper.year or '2020'}-{paper.digits('psycinfo', 5)}-001"))
        title = sentence_case(paper.title) if paper.draw("case") < 40 else paper.title
        tags.append(("T1", title))
        if paper.journal:
            tags.append(("JF", paper.journal))
        tags += [("A1", f"{s}, {'. '.join(i)}." if i else s) for s, i in paper.authors]
        for tag, value in (
            ("VL", paper.volume),
            ("IS", paper.issue),
            ("SP", paper.first_page),
            ("EP", paper.last_page),
            ("Y1", paper.year),
        ):
            if value:
                tags.append((tag, value))
        if paper.doi and paper.draw("psycinfo-doi") < 75:
            tags += [("M3", f"doi:{paper.doi}"), ("DO", paper.doi)]
        tags.append(("ER", ""))
        lines += [*_ris_lines(tags), ""]
    text = "\r\n".join(lines).rstrip("\r\n")  # PsycNET ends with a bare "ER  -"
    return text.encode("utf-8")


POP_COLUMNS = (
    "Cites",
    "Authors",
    "Title",
    "Year",
    "Source",
    "Publisher",
    "ArticleURL",
    "CitesURL",
    "GSRank",
    "QueryDate",
    "Type",
    "DOI",
    "ISSN",
    "CitationURL",
    "Volume",
    "Issue",
    "StartPage",
    "EndPage",
    "ECC",
    "CitesPerYear",
    "CitesPerAuthor",
    "AuthorCount",
    "Age",
    "Abstract",
    "FullTextURL",
    "RelatedURL",
)


def google_scholar_pop_csv(papers: list[Paper], query_date: str) -> bytes:
    """A Publish or Perish (Google Scholar) CSV: initials-first authors, truncated long titles."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=POP_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for rank, paper in enumerate(papers, start=1):
        authors = [f"{i} {s}".strip() for s, i in paper.authors[:4]]
        title = paper.title
        if len(title) > 110:
            title = title[:100].rsplit(" ", 1)[0] + " …"
        cluster = paper.digits("gs", 19)
        writer.writerow(
            {
                "Cites": 0,
                "Authors": ", ".join(authors) + (", …" if len(paper.authors) > 4 else ""),
                "Title": title,
                "Year": paper.year,
                "Source": paper.journal,
                "Publisher": "",
                "ArticleURL": f"https://doi.org/{paper.doi}" if paper.doi else "",
                "CitesURL": f"https://scholar.google.com/scholar?cites={cluster}&as_sdt=2005",
                "GSRank": rank,
                "QueryDate": query_date,
                "Type": "",
                "DOI": "",
                "ISSN": "",
                "CitationURL": "",
                "Volume": paper.volume,
                "Issue": paper.issue,
                "StartPage": paper.first_page,
                "EndPage": paper.last_page,
                "ECC": 0,
                "CitesPerYear": 0,
                "CitesPerAuthor": 0,
                "AuthorCount": len(paper.authors),
                "Age": "",
                "Abstract": "",
                "FullTextURL": "",
                "RelatedURL": "",
            }
        )
    return buffer.getvalue().encode("utf-8")
