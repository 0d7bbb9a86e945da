"""Tests of the export-file importers, on the real exports in ../shared read in place."""
