"""Start-up settings: defaults, then environment variables, then command-line flags."""

from __future__ import annotations

import argparse
import ipaddress
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from demo.admission import ANY_PEER
from demo.inference import MAX_BATCH
from demo.models import ModelRef
from demo.profiles import PROFILES, env_overrides, override_keys, task_keys


COMPARE_SIDES = ("start", "first-use")


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 7860
    profile: str = "auto"
    preload: bool = False
    lazy: bool = False
    max_batch: int = MAX_BATCH
    int8: bool = False
    models: dict[str, ModelRef] = field(default_factory=dict)
    trusted_proxies: frozenset[str] = frozenset()  # peers whose X-Forwarded-For names the client
    mcp: bool = False  # serve every endpoint as an MCP tool too (/gradio_api/mcp/)
    presenter: bool = False  # the page opens in presenter mode (?presenter=0 turns it off)
    compare_sides: str = "start"  # when Compare's zero-shot side loads beside hub checkpoints: "start" or "first-use"


def on_a_space(environ: Mapping[str, str]) -> bool:
    """Whether the app runs on a Hugging Face Space (what Gradio itself reads: `utils.get_space`)."""
    return environ.get("SYSTEM") == "spaces" and bool(environ.get("SPACE_ID"))


def _env_flag(environ: Mapping[str, str], name: str) -> bool:
    return environ.get(name, "").lower() in {"1", "true", "yes"}


def _model_flag(text: str) -> tuple[str, ModelRef]:
    task, sep, model = text.partition("=")
    if not sep or not model.strip():
        raise argparse.ArgumentTypeError(f"expected TASK=ID_OR_PATH, got '{text}'")
    if task not in override_keys():
        raise argparse.ArgumentTypeError(f"unknown task '{task}'; tasks are: {', '.join(task_keys())}, "
                                         "each also as TASK.zh for its Chinese model")
    return task, ModelRef.parse(model)


def _whole_number(parser: argparse.ArgumentParser, flag: str, given: str | None, env_name: str,
                  environ: Mapping[str, str], default: int, low: int, high: int) -> int:
    """The flag's value if given, else the environment's, else the default, checked to lie in [low, high]."""
    where, raw = (flag, given) if given is not None else (env_name, environ.get(env_name))
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        parser.error(f"{where} must be a whole number from {low} to {high}, got '{raw}'")
    return value


def parse_settings(argv: Sequence[str] | None = None, environ: Mapping[str, str] = os.environ) -> Settings:
    """Read flags over environment variables (Spaces sets GRADIO_SERVER_NAME/PORT itself).

    A bad value, from a flag or the environment, stops start-up with one line naming the setting.
    """
    from demo.registry import get_task, load_plugins

    plugins = argparse.ArgumentParser(add_help=False)
    plugins.add_argument("--plugin", action="append", default=[])
    load_plugins(plugins.parse_known_args(argv)[0].plugin)  # before --model names a plug-in's task
    parser = argparse.ArgumentParser(description="Zero-training NLP showcase (Gradio app).")
    parser.add_argument("--plugin", action="append", default=[], metavar="MODULE",
                        help="a module that declares a TASK, a VIEW or a page LOCALE (repeatable; also DEMO_PLUGINS)")
    parser.add_argument("--host", default=environ.get("GRADIO_SERVER_NAME", Settings.host))
    parser.add_argument("--port", help="default: GRADIO_SERVER_PORT, else 7860")
    parser.add_argument("--profile", choices=PROFILES, default=environ.get("DEMO_PROFILE", Settings.profile),
                        help="hub: classic checkpoints; embedded: models installed by pip; auto: hub where usable")
    parser.add_argument("--model", action="append", type=_model_flag, default=[], metavar="TASK[.zh]=ID_OR_PATH[@REV]",
                        help=f"override one task's model (tasks: {', '.join(task_keys())}) for every language, "
                             "or with TASK.zh for Chinese text only; repeatable")
    parser.add_argument("--preload", action="store_true", default=_env_flag(environ, "DEMO_PRELOAD"),
                        help="load and warm every model before serving the page")
    parser.add_argument("--lazy", action="store_true", default=_env_flag(environ, "DEMO_LAZY"),
                        help="load each model on its tab's first request (default: load them all in the "
                             "background right after start)")
    parser.add_argument("--int8", action="store_true", default=_env_flag(environ, "DEMO_INT8"),
                        help="CPU only: run the classic encoders (sentiment, fill mask, next sentence) with int8 linear layers")
    parser.add_argument("--max-batch", help="most requests of one kind answered in one forward pass "
                                            "(1 turns batching off; default: DEMO_MAX_BATCH, else 32)")
    parser.add_argument("--mcp", action="store_true", default=_env_flag(environ, "GRADIO_MCP_SERVER"),
                        help="serve every endpoint as an MCP tool at /gradio_api/mcp/ (default: GRADIO_MCP_SERVER)")
    parser.add_argument("--presenter", action="store_true", default=_env_flag(environ, "DEMO_PRESENTER"),
                        help="open the page in presenter mode: larger type, examples first, no API footer, a New "
                             "visitor button (any address with ?presenter=1 does the same; ?presenter=0 turns it off)")
    parser.add_argument("--compare-sides", choices=COMPARE_SIDES, default=environ.get("DEMO_COMPARE_SIDES", "start"),
                        help="when the zero-shot side of Compare (Gemma, ~1.2 GB) loads beside the classic "
                             "checkpoints: with the models at start (default: DEMO_COMPARE_SIDES, else start), or "
                             "on the first Compare (a few seconds then)")
    parser.add_argument("--trusted-proxy", action="append", default=None, metavar="ADDRESS",
                        help="a reverse proxy's address whose X-Forwarded-For header names the client, or * for "
                             "every peer (repeatable; default: DEMO_TRUSTED_PROXIES, comma-separated, else * on a "
                             "Hugging Face Space, else none)")
    args = parser.parse_args(argv)
    if args.profile not in PROFILES:
        parser.error(f"DEMO_PROFILE must be one of {', '.join(PROFILES)}, got '{args.profile}'")
    if args.compare_sides not in COMPARE_SIDES:
        parser.error(f"DEMO_COMPARE_SIDES must be one of {', '.join(COMPARE_SIDES)}, got '{args.compare_sides}'")
    port = _whole_number(parser, "--port", args.port, "GRADIO_SERVER_PORT", environ, Settings.port, 1, 65535)
    max_batch = _whole_number(parser, "--max-batch", args.max_batch, "DEMO_MAX_BATCH", environ,
                              Settings.max_batch, 1, 4096)
    models = env_overrides(environ) | dict(args.model)
    for task, ref in models.items():
        if ref.is_remote and not get_task(task.partition(".")[0]).remote_ok:
            remote = ", ".join(key for key in task_keys() if get_task(key).remote_ok)
            parser.error(f"only {remote} can run on an engine URL, not {task}: {ref.id}")
        if ref.looks_local and not ref.is_local:
            parser.error(f"the model folder for {task} does not exist: {ref.id}")
    proxies = args.trusted_proxy if args.trusted_proxy is not None else environ.get("DEMO_TRUSTED_PROXIES", "").split(",")
    trusted = frozenset(address.strip() for address in proxies if address.strip())
    if not trusted and on_a_space(environ):  # the Space's proxy is the only peer there
        trusted = frozenset({ANY_PEER})
    for address in trusted - {ANY_PEER}:
        try:
            ipaddress.ip_address(address)
        except ValueError:
            parser.error(f"--trusted-proxy / DEMO_TRUSTED_PROXIES must be IP addresses (or {ANY_PEER}: every "
                         f"peer is a proxy), got '{address}'")
    return Settings(host=args.host, port=port, profile=args.profile, preload=args.preload, lazy=args.lazy,
                    max_batch=max_batch, int8=args.int8, models=models, trusted_proxies=trusted, mcp=args.mcp,
                    presenter=args.presenter, compare_sides=args.compare_sides)
