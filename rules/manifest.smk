# The run manifest: the last step of a whole run (Snakefile, FINAL_TARGETS).

from livingreview.run_manifest import people_s_files, protocol_sha256, write_run_manifest


# The files people put in the human-input folder, as the manifest hashes them: one added,
# edited or removed writes the manifest again, even when no step reads it.
HUMAN_FILES = [
    str(path)
    for path in people_s_files(Path(config["paths"]["human_input"]), Path(OUT))
]


# The run manifest (livingreview.run_manifest), the last step of a whole run: written once
# every target is built, atomically, so a run killed before or while writing it writes it
# when run again (its output missing or incomplete), and a run with nothing to do leaves it.
# Its `finished_at` is when this step ran: the end of the run that last built or changed any
# artefact, an added human-input file or an edited protocol.
rule run_manifest:
    input:
        targets=FINAL_TARGETS,
        human=lambda wildcards: HUMAN_FILES,  # a function: names with braces are no wildcards
    output:
        f"{OUT}/{RUN_MANIFEST}",
    params:
        protocol=protocol_sha256(config),  # a protocol edit no step reads is written down
        version=CODE_VERSION,
    resources:
        **STEP_RESOURCES,
    run:
        write_run_manifest(config, Path(OUT), FINAL_TARGETS)
