#!/usr/bin/env bash
# Set up whatever is missing (chromium included), then run the whole test suite in two processes, each
# test file whole in one of them (its fixtures start once), pytest flags passing through.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --tests
export GRADIO_ANALYTICS_ENABLED=False
exec .venv/bin/python -m pytest -q -n 2 --dist loadfile --durations=20 "$@"
