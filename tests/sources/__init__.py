"""Tests of the search clients, replayed from a local server."""
