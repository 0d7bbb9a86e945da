"""What one process's diagrams share (text sizes, the saved font subsets) is computed once, and
each PNG and PDF is still the bytes matplotlib writes for that diagram alone."""

from __future__ import annotations

import io
from typing import Any

import pytest

from livingreview.prisma import render
from livingreview.prisma.diagram import build_flow
from tests.prisma.ledgers import consistent


def _flows() -> list[Any]:
    return [
        build_flow([consistent("n", previous=3)], title="Sharing"),
        build_flow([consistent("n", previous=3), consistent()], title="Sharing, two columns"),
    ]


def test_text_is_measured_once_per_process_with_the_bytes_of_matplotlib_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from matplotlib.backends.backend_agg import RendererAgg

    measured: list[str] = []
    original = RendererAgg.get_text_width_height_descent

    def counted(self: Any, s: str, prop: Any, ismath: Any) -> Any:
        measured.append(s)
        return original(self, s, prop, ismath)

    monkeypatch.setattr(RendererAgg, "get_text_width_height_descent", counted)
    render._METRICS.clear()
    first, second = (render._png(render._figure(flow)) for flow in _flows())
    assert measured and len(measured) == len(set(measured))  # each line measured once
    measured.clear()
    assert render._png(render._figure(_flows()[1])) == second
    assert measured == []  # every size known from the diagrams before

    for flow, shared in zip(_flows(), (first, second), strict=True):
        alone = io.BytesIO()  # matplotlib's own measuring, a renderer's sizes for itself
        render._figure(flow).savefig(alone, format="png", dpi=200, metadata={"Software": None})
        assert alone.getvalue() == shared


def test_a_font_subset_is_saved_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    from matplotlib.backends import _backend_pdf_ps

    saved: list[object] = []
    original = _backend_pdf_ps.font_as_file

    def counted(font: Any) -> io.BytesIO:
        if hasattr(font, render._SUBSET_KEY):  # a subset embedded, not one being computed
            saved.append(font)
        return original(font)

    monkeypatch.setattr(_backend_pdf_ps, "font_as_file", counted)
    flow = _flows()[0]
    render._EMBEDDED.clear()
    cold = render.to_pdf(flow)
    assert len(saved) == 2  # regular and bold
    saved.clear()
    assert render.to_pdf(flow) == cold
    assert render.to_pdf(_flows()[1]) and saved == []  # same subsets: nothing saved again
    render._EMBEDDED.clear()
    render._SUBSETS.clear()
    assert render.to_pdf(flow) == cold
