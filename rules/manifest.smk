# The run manifest: the last step of a whole run (Snakefile, FINAL_TARGETS).

from livingreview.dedup.rounds import history_dir
from livingreview.run_manifest import people_s_files_stamp, protocol_sha256, write_run_manifest


# The run manifest (livingreview.run_manifest), the last step of a whole run: written once
# every target is built, atomically, so a run killed before or while writing it writes it
# when run again (its output missing or incomplete), and a run with nothing to do leaves it.
# Its `finished_at` is when this step ran: the end of the run that last built or changed any
# artefact, a human-input file or the protocol.
rule run_manifest:
    input:
        FINAL_TARGETS,
    output:
        f"{OUT}/{RUN_MANIFEST}",
    params:
        protocol=protocol_sha256(config),  # a protocol edit no step reads is written down
        # the human-input folder's files, named, sized and dated: one added, edited or removed
        # writes the manifest again, even when no step reads it (names are no inputs: '{x}')
        human=people_s_files_stamp(
            Path(config["paths"]["human_input"]), Path(OUT), history_dir(config)
        ),
        version=CODE_VERSION,
    resources:
        **STEP_RESOURCES,
    run:
        write_run_manifest(config, Path(OUT), FINAL_TARGETS)
