#!/usr/bin/env bash
# Set up whatever is missing (chromium included), then run the whole test suite (pytest flags pass through).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --tests
export GRADIO_ANALYTICS_ENABLED=False
exec .venv/bin/python -m pytest -q "$@"
