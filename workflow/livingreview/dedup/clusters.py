"""Duplicate groups: union-find over duplicate pairs that refuses to chain unrelated records.

Two groups are never merged when any pair across them is a cannot-link (a person's "distinct"
decision, or a pair a non-duplicate guard fired on), when a cross pair the matcher never judged
contradicts itself on hard facts (``conflict``: another year, volume and page, an erratum), or when
both hold a record of the same source under different source ids (a database does not list one
work twice). So a chain A=B, B=C never joins A and C that are evidently different works.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence


class Groups:
    """Union-find over record positions with cannot-links and per-source id sets."""

    def __init__(
        self,
        size: int,
        source_keys: Sequence[tuple[str, str]] | None = None,
        *,
        conflict: Callable[[int, int], bool] | None = None,
        judged: set[tuple[int, int]] | None = None,
    ) -> None:
        self.conflict = conflict
        self.judged = judged or set()
        self.parent = list(range(size))
        self.members: dict[int, list[int]] = {k: [k] for k in range(size)}
        self.cannot: dict[int, set[int]] = {}
        self.sources: dict[int, dict[str, str]] = {}
        if source_keys:
            for k, (source, source_id) in enumerate(source_keys):
                if source and source_id:
                    self.sources[k] = {source: source_id}

    def find(self, k: int) -> int:
        root = k
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[k] != root:
            self.parent[k], k = root, self.parent[k]
        return root

    def forbid(self, pairs: Iterable[tuple[int, int]]) -> None:
        """Record cannot-links between record positions."""
        for a, b in pairs:
            self.cannot.setdefault(a, set()).add(b)
            self.cannot.setdefault(b, set()).add(a)

    def allowed(self, ra: int, rb: int, *, check_sources: bool = True) -> bool:
        """Whether the groups rooted at ``ra`` and ``rb`` may merge (``check_sources=False``: a
        person's decision, checked against the person's own cannot-links only)."""
        small, other = (ra, rb) if len(self.members[ra]) <= len(self.members[rb]) else (rb, ra)
        for k in self.members[small]:
            for c in self.cannot.get(k, ()):
                if self.find(c) == other:
                    return False
        if check_sources and self.conflict is not None:
            for x in self.members[ra]:
                for y in self.members[rb]:
                    pair = (x, y) if x < y else (y, x)
                    if pair not in self.judged and self.conflict(*pair):
                        return False
        sa, sb = self.sources.get(ra), self.sources.get(rb)
        if check_sources and sa and sb:
            for source, source_id in sa.items():
                if source in sb and sb[source] != source_id:
                    return False
        return True

    def union(self, a: int, b: int, *, check_sources: bool = True) -> bool:
        """Merge the groups of ``a`` and ``b`` if allowed; True when they end up together.

        ``check_sources=False`` is for a person's decision, which overrides the same-source rule.
        """
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if not self.allowed(ra, rb, check_sources=check_sources):
            return False
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra].extend(self.members.pop(rb))
        if rb in self.sources:
            self.sources.setdefault(ra, {}).update(self.sources.pop(rb))
        return True

    def labels(self) -> list[int]:
        """Root of each position."""
        return [self.find(k) for k in range(len(self.parent))]
