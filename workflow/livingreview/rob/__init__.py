"""Risk of bias: the tools' algorithms, robvis-format tables and robvis-style plots.

- :mod:`~livingreview.rob.levels` judgement classes and the worst-domain rule
- :mod:`~livingreview.rob.tools` the tools robvis knows (domains, wording, overall rule)
- :mod:`~livingreview.rob.rows` reading one plain form row; overall overrides
- :mod:`~livingreview.rob.rob2`, :mod:`~livingreview.rob.robins_i`,
  :mod:`~livingreview.rob.robins_i_v2`, :mod:`~livingreview.rob.nos` assessments from form rows
- :mod:`~livingreview.rob.tables` robvis CSV import, validation and export;
  :mod:`~livingreview.rob.nos_tables` Newcastle-Ottawa tables for ``rob plot --tool nos``
- :mod:`~livingreview.rob.plots` traffic-light and summary plots (SVG + PNG)
"""

#: every name ``rob plot --tool`` accepts (kept here so the CLI parser need not import the tools)
TOOL_NAMES = (
    "rob2",
    "rob2-cluster",
    "robins-i",
    "robins-i-v2",
    "robins-e",
    "quadas-2",
    "quips",
    "generic",
    "rob1",
    "nos",  # a Newcastle-Ottawa table: not a robvis tool, see rob.nos_tables
)
