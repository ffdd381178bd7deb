"""Entry point: `python app.py [--profile auto|hub|embedded] [--model TASK=ID_OR_PATH] [--preload|--lazy]`."""

import logging
import os
import sys

if os.environ.get("SPACES_ZERO_GPU", "").lower() in ("1", "t", "true"):
    import spaces  # noqa: F401  on ZeroGPU, before torch is imported (demo.engines.zerogpu)

from demo import storage  # noqa: E402

storage.settle()  # before huggingface_hub is imported: its cache goes to persistent storage where there is one

from demo.app import create_app, launch, port_in_use  # noqa: E402
from demo.settings import parse_settings  # noqa: E402

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = parse_settings()
    if problem := port_in_use(settings.host, settings.port):
        sys.exit(f"app.py: error: {problem}")
    demo = create_app(settings)
    launch(demo, settings)
