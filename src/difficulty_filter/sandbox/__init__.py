"""Sandboxed execution of model-written Python code (see docs/sandbox.md).

Public API: `executor.run_tests`, `suite.from_ground_truth`, `reference.check_references`. This package
`__init__` stays empty because the zygote imports the package and must stay light.
"""
