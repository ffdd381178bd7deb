#!/usr/bin/env bash
# Set up whatever is missing, then serve the app (flags go to app.py, e.g. --profile embedded).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export GRADIO_ANALYTICS_ENABLED=False
exec .venv/bin/python app.py "$@"
