#!/usr/bin/env bash
# Set up whatever is missing, quickly when nothing is: .venv with CPU torch first (a bare `torch`
# would pull a multi-GB CUDA build), then requirements.txt, then the one-time Gemma conversion.
# `--tests` also installs Debian's chromium (browser tests) with a Chinese font (so the Chinese
# page's screenshots show characters), and nginx (replica tests).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${1:-}" == "--tests" ]] && { ! command -v chromium >/dev/null 2>&1 || [[ ! -x /usr/sbin/nginx ]] ||
                                   [[ ! -d /usr/share/fonts/truetype/wqy ]]; }; then
  sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium nginx fonts-wqy-zenhei >/dev/null
fi

stamp=.venv/.installed
wanted="torch==2.13.0 $(sha256sum requirements.txt | cut -c1-16)"
if [[ ! -x .venv/bin/python || "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]]; then
  python3.11 -m venv .venv 2>/dev/null || python3 -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q "torch==2.13.0"
  .venv/bin/python -m pip install -q -r requirements.txt
  echo "$wanted" > "$stamp"
fi

HF_HUB_DISABLE_UPDATE_CHECK=1 .venv/bin/python -m demo.engines.gemma.convert
