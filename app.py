"""Entry point: `python app.py [--profile auto|hub|embedded] [--model TASK=ID_OR_PATH] [--preload]`."""

import logging

from demo.app import create_app, launch
from demo.settings import parse_settings

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = parse_settings()
    demo = create_app(settings)
    launch(demo, settings)
