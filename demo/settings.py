"""Start-up settings: defaults, then environment variables, then command-line flags."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from demo.inference import MAX_BATCH
from demo.models import ModelRef
from demo.profiles import PROFILES, TASK_KEYS, env_overrides


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 7860
    profile: str = "auto"
    preload: bool = False
    max_batch: int = MAX_BATCH
    int8: bool = False
    models: dict[str, ModelRef] = field(default_factory=dict)


def _env_flag(environ: Mapping[str, str], name: str) -> bool:
    return environ.get(name, "").lower() in {"1", "true", "yes"}


def _model_flag(text: str) -> tuple[str, ModelRef]:
    task, sep, model = text.partition("=")
    if not sep or not model.strip():
        raise argparse.ArgumentTypeError(f"expected TASK=ID_OR_PATH, got '{text}'")
    if task not in TASK_KEYS:
        raise argparse.ArgumentTypeError(f"unknown task '{task}'; tasks are: {', '.join(TASK_KEYS)}")
    return task, ModelRef.parse(model)


def parse_settings(argv: Sequence[str] | None = None, environ: Mapping[str, str] = os.environ) -> Settings:
    """Read flags over environment variables (Spaces sets GRADIO_SERVER_NAME/PORT itself)."""
    parser = argparse.ArgumentParser(description="Zero-training NLP showcase (Gradio app).")
    parser.add_argument("--host", default=environ.get("GRADIO_SERVER_NAME", Settings.host))
    parser.add_argument("--port", type=int, default=int(environ.get("GRADIO_SERVER_PORT", Settings.port)))
    parser.add_argument("--profile", choices=PROFILES, default=environ.get("DEMO_PROFILE", Settings.profile),
                        help="hub: classic checkpoints; embedded: models installed by pip; auto: hub where usable")
    parser.add_argument("--model", action="append", type=_model_flag, default=[], metavar="TASK=ID_OR_PATH[@REV]",
                        help=f"override one task's model (tasks: {', '.join(TASK_KEYS)}); repeatable")
    parser.add_argument("--preload", action="store_true",
                        default=_env_flag(environ, "DEMO_PRELOAD"),
                        help="load every model before serving")
    parser.add_argument("--int8", action="store_true",
                        default=_env_flag(environ, "DEMO_INT8"),
                        help="CPU only: run the classic encoders (sentiment, fill mask, next sentence) with int8 linear layers")
    parser.add_argument("--max-batch", type=int, default=int(environ.get("DEMO_MAX_BATCH", Settings.max_batch)),
                        help="most requests of one kind answered in one forward pass (1 turns batching off)")
    args = parser.parse_args(argv)
    if args.profile not in PROFILES:
        parser.error(f"DEMO_PROFILE must be one of {', '.join(PROFILES)}")
    models = env_overrides(environ) | dict(args.model)
    if args.max_batch < 1:
        parser.error("--max-batch must be at least 1")
    return Settings(host=args.host, port=args.port, profile=args.profile, preload=args.preload,
                    max_batch=args.max_batch, int8=args.int8, models=models)
