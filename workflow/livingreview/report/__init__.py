"""The evidence summary: one self-contained HTML page and its Markdown twin.

:func:`~livingreview.report.context.collect` reads what the stages have written under
``outputs/`` (a stage that has not run yet becomes a "pending" section, never an error) and
:func:`~livingreview.report.render.write_report` renders it with Jinja2.
:mod:`~livingreview.report.changes` compares the version with the frozen state of the one before
(the changelog); :func:`~livingreview.report.render.publish` also keeps the version's copy.
"""
