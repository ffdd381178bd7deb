"""Entry point: `python app.py [--profile auto|hub|embedded] [--model TASK=ID_OR_PATH] [--preload|--lazy]`."""

import logging
import sys

from demo.app import create_app, launch, port_in_use
from demo.settings import parse_settings

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = parse_settings()
    if problem := port_in_use(settings.host, settings.port):
        sys.exit(f"app.py: error: {problem}")
    demo = create_app(settings)
    launch(demo, settings)
