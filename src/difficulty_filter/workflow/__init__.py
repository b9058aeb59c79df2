"""Workflow plumbing: the Snakefile's plan, job settings and console, batch repair, provenance."""
