import os
import sys

from .cli import main

code = main()
dist = sys.modules.get("torch.distributed")       # loaded only by `run`
if dist is not None and dist.is_available() and dist.is_initialized():
    # Several ranks: end without tearing the process group down. torch 2.x's gloo teardown at
    # exit aborts now and then (SIGABRT, "terminate called without an active exception") after
    # a run that finished, or failed on every rank, cleanly; every file was closed already.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
sys.exit(code)
