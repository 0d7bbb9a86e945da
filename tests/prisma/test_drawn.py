"""The ledger draws a diagram again only when its files would change: on the demo's ledger, a
second run draws nothing, and a missing or edited file, a stale or damaged record, other inputs
or another drawing environment each draw again, giving the same bytes as before."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from livingreview.config import load_config
from livingreview.prisma import drawn, stage
from tests.prisma.ledgers import DEMO_CONFIG, demo_override

STEMS = ["prisma/flow", *(f"prisma/living/{layout}" for layout in stage.LIVING_LAYOUTS)]


@pytest.fixture
def review(demo_outputs: Path, tmp_path: Path) -> tuple[dict, Path]:
    """A copy of the demo's outputs and the configuration that points at it."""
    outputs = tmp_path / "outputs"
    shutil.copytree(demo_outputs, outputs)
    override = demo_override(tmp_path / "paths.yaml", outputs)
    return load_config([*DEMO_CONFIG, override]), outputs


def files(outputs: Path) -> dict[str, bytes]:
    return {
        f"{stem}{suffix}": (outputs / f"{stem}{suffix}").read_bytes()
        for stem in STEMS
        for suffix in stage.FORMATS
    }


def run(config: dict, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Run the ledger; the diagrams it drew (their stems)."""
    drew: list[str] = []
    write_all = stage.write_all

    def counted(flow, stem: Path, title: str) -> list[Path]:
        drew.append(stem.relative_to(Path(config["paths"]["outputs"])).as_posix())
        return write_all(flow, stem, title)

    monkeypatch.setattr(stage, "write_all", counted)
    stage.run_ledger(config)
    return drew


def test_unchanged_diagrams_are_not_drawn_again(
    review: tuple[dict, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    config, outputs = review
    (outputs / drawn.RECORD).unlink(missing_ok=True)  # as left by a version without the record
    assert run(config, monkeypatch) == STEMS
    before = files(outputs)
    assert sorted(json.loads((outputs / drawn.RECORD).read_text())) == sorted(STEMS)
    record = (outputs / drawn.RECORD).read_bytes()
    assert run(config, monkeypatch) == []
    assert files(outputs) == before
    assert (outputs / drawn.RECORD).read_bytes() == record

    (outputs / "prisma/living/each.png").write_bytes(b"edited")
    (outputs / "prisma/flow.pdf").unlink()
    assert run(config, monkeypatch) == ["prisma/flow", "prisma/living/each"]
    assert files(outputs) == before

    entries = json.loads(record)
    entries["prisma/living/combined"]["digest"] = "0" * 64  # drawn from other inputs
    (outputs / drawn.RECORD).write_text(json.dumps(entries))
    assert run(config, monkeypatch) == ["prisma/living/combined"]
    assert files(outputs) == before
    assert (outputs / drawn.RECORD).read_bytes() == record

    (outputs / drawn.RECORD).write_text("{not json")
    assert run(config, monkeypatch) == STEMS
    assert files(outputs) == before


def test_other_inputs_or_environment_draw_again(
    review: tuple[dict, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    config, outputs = review
    assert config["review"].get("demo")
    run(config, monkeypatch)
    assert b"[DEMO SNAPSHOT]" in (outputs / "prisma/flow.svg").read_bytes()
    config["review"]["demo"] = False  # every title changes
    assert run(config, monkeypatch) == STEMS
    assert b"[DEMO SNAPSHOT]" not in (outputs / "prisma/flow.svg").read_bytes()
    before = files(outputs)

    changed = {**drawn.environment(), "matplotlib": "another version"}
    monkeypatch.setattr(drawn, "environment", lambda: changed)
    assert run(config, monkeypatch) == STEMS
    assert files(outputs) == before
    assert run(config, monkeypatch) == []
