"""align_worker: the Python training worker that executes one stage of an align plan.

The compiler writes `plan.json`; the orchestrator starts one worker process per device with
`python -m align_worker run --plan plan.json --stage NAME --run-dir DIR`. See docs/worker.md.
"""

__version__ = "0.1.0"
