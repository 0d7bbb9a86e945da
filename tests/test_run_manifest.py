"""The run manifest fingerprints what people put in: exports, returned sheets, the history."""

from __future__ import annotations

import hashlib
from pathlib import Path

from livingreview.run_manifest import input_hashes


def test_input_hashes_cover_people_s_files_only(tmp_path: Path) -> None:
    human, outputs = tmp_path / "human", tmp_path / "outputs"
    for name, body in {
        "screening/r1_done.xlsx": b"sheet",
        "exports/wos.ris": b"TY  - JOUR",
        "screening/~$r1_done.xlsx": b"lock",  # Excel's lock file while the sheet is open
        ".DS_Store": b"finder",
    }.items():
        (human / name).parent.mkdir(parents=True, exist_ok=True)
        (human / name).write_bytes(body)
    assert input_hashes(human, outputs) == {
        "exports/wos.ris": hashlib.sha256(b"TY  - JOUR").hexdigest(),
        "screening/r1_done.xlsx": hashlib.sha256(b"sheet").hexdigest(),
    }
    # A folder inside the outputs (the demo's history) is hashed with the outputs already.
    (outputs / "library_history").mkdir(parents=True)
    (outputs / "library_history/rounds.yaml").write_text("rounds: []\n")
    assert input_hashes(outputs / "library_history", outputs) == {}
    assert input_hashes(tmp_path / "missing", outputs) == {}


def test_exports_in_a_linked_folder_are_hashed_once_and_a_link_loop_ends(tmp_path: Path) -> None:
    """A team's exports kept elsewhere (shared storage) and linked into the human-input folder:
    the imports read them through the link, so the manifest hashes them too."""
    human, shared = tmp_path / "human", tmp_path / "shared_exports"
    shared.mkdir()
    (shared / "wos.ris").write_bytes(b"TY  - JOUR")
    human.mkdir()
    (human / "exports").symlink_to(shared, target_is_directory=True)
    (shared / "again").symlink_to(shared, target_is_directory=True)  # a loop: walked once
    (human / "outputs").mkdir()  # the outputs inside the human-input folder: not walked
    (human / "outputs/records.csv").write_text("study_id\n")
    # before: {} (a linked folder was not entered)
    assert input_hashes(human, human / "outputs") == {
        "exports/wos.ris": hashlib.sha256(b"TY  - JOUR").hexdigest()
    }
