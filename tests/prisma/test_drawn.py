"""The ledger draws a diagram again only when its files would change: on the demo's ledger, a
second run draws nothing; a missing or edited file is copied from the cache of the latest drawings
(as after Snakemake deleted the step's outputs), or drawn again when the cache cannot give it; a
stale or damaged record, other inputs or another drawing environment each draw again, giving the
same bytes as before."""

from __future__ import annotations

import json
import shutil
import sys
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
    shutil.rmtree(outputs / drawn.CACHE, ignore_errors=True)
    assert run(config, monkeypatch) == STEMS
    before = files(outputs)
    assert sorted(json.loads((outputs / drawn.RECORD).read_text())) == sorted(STEMS)
    record = (outputs / drawn.RECORD).read_bytes()
    assert run(config, monkeypatch) == []
    assert files(outputs) == before
    assert (outputs / drawn.RECORD).read_bytes() == record

    shutil.rmtree(outputs / drawn.CACHE)  # the record alone, as before the cache
    (outputs / "prisma/living/each.png").write_bytes(b"edited")
    (outputs / "prisma/flow.pdf").unlink()
    assert run(config, monkeypatch) == ["prisma/flow", "prisma/living/each"]
    assert files(outputs) == before

    entries = json.loads(record)
    entries["prisma/living/combined"]["digest"] = "0" * 64  # drawn from other inputs
    (outputs / drawn.RECORD).write_text(json.dumps(entries))
    shutil.rmtree(outputs / drawn.CACHE)
    assert run(config, monkeypatch) == ["prisma/living/combined"]
    assert files(outputs) == before
    assert (outputs / drawn.RECORD).read_bytes() == record

    (outputs / drawn.RECORD).write_text("{not json")
    shutil.rmtree(outputs / drawn.CACHE)
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


def cached(outputs: Path) -> list[str]:
    """The digests the diagram cache holds."""
    return sorted(p.name for p in (outputs / drawn.CACHE).iterdir())


def test_deleted_diagrams_are_copied_from_the_cache(
    review: tuple[dict, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    config, outputs = review
    shutil.rmtree(outputs / drawn.CACHE, ignore_errors=True)
    (outputs / drawn.RECORD).unlink(missing_ok=True)
    assert run(config, monkeypatch) == STEMS
    before = files(outputs)
    record = (outputs / drawn.RECORD).read_bytes()
    digests = sorted({e["digest"] for e in json.loads(record).values()})
    assert cached(outputs) == digests

    for name in before:  # Snakemake deletes a job's outputs before running it
        (outputs / name).unlink()
    assert run(config, monkeypatch) == []
    assert files(outputs) == before
    assert (outputs / drawn.RECORD).read_bytes() == record

    (outputs / "prisma/living/each.svg").write_bytes(b"edited")
    (outputs / drawn.RECORD).unlink()  # no record: the cache's own digests decide
    assert run(config, monkeypatch) == []
    assert files(outputs) == before
    assert (outputs / drawn.RECORD).read_bytes() == record

    each = json.loads(record)["prisma/living/each"]["digest"]
    damaged = outputs / drawn.CACHE / each / "diagram.png"
    damaged.write_bytes(damaged.read_bytes()[:-1])
    (outputs / drawn.CACHE / json.loads(record)["prisma/living/combined"]["digest"]).joinpath(
        drawn.KEPT
    ).write_text("{not json")
    for name in before:
        (outputs / name).unlink()
    assert run(config, monkeypatch) == ["prisma/living/each", "prisma/living/combined"]
    assert files(outputs) == before
    assert damaged.read_bytes() == before["prisma/living/each.png"]  # kept again, whole

    stale = outputs / drawn.CACHE / ("f" * 64)
    stale.mkdir()
    (stale / "diagram.svg").write_text("<svg/>")
    other = outputs / drawn.CACHE / "not-a-digest"
    other.mkdir()
    assert run(config, monkeypatch) == []
    assert cached(outputs) == sorted([*digests, other.name])  # entries no record names go


def test_an_unwritable_cache_only_costs_drawing(
    review: tuple[dict, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    config, outputs = review
    shutil.rmtree(outputs / drawn.CACHE, ignore_errors=True)
    (outputs / drawn.CACHE).parent.mkdir(parents=True, exist_ok=True)
    (outputs / drawn.CACHE).write_text("a file where the cache folder would be")
    (outputs / drawn.RECORD).unlink(missing_ok=True)
    assert run(config, monkeypatch) == STEMS
    before = files(outputs)
    for name in before:
        (outputs / name).unlink()
    assert run(config, monkeypatch) == STEMS
    assert files(outputs) == before
    assert (outputs / drawn.CACHE).read_text() == "a file where the cache folder would be"


def test_the_drawing_environment_does_not_depend_on_where_the_checkout_is() -> None:
    # The fonts were named by their absolute path (inside the venv): the same code and inputs in
    # another folder gave another drawn.json and cache, and every diagram was drawn again.
    environment = drawn.environment()
    assert environment["fonts"] and all(
        not Path(name).is_absolute() for name, _ in environment["fonts"]
    )
    assert str(Path.cwd()) not in json.dumps(environment) and sys.prefix not in json.dumps(
        environment
    )
