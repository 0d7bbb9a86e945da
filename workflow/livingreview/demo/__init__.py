"""The embedded demo review: a snapshot built by this package from real bibliographic facts.

The facts (``../shared/data/dta/records.csv``: ids, titles, authors, journals; no abstracts) are
spread over the demo's sources the way real databases overlap, each source rendering them with its
own conventions. API sources become raw-response archives recorded by the real search clients
(served in-process, never from the network); export sources become export files in the demo's
human-input folder. Everything is labelled as a demo snapshot.
"""

from livingreview.demo.build import build_demo

__all__ = ["build_demo"]
