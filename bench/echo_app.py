"""A Gradio app whose one endpoint returns its text: what Gradio's REST path costs with no model at all.

    python -m bench.echo_app --port 7861

Queued like the real app, so the benchmark can tell Gradio's floor from the app's own overhead.
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402


def echo(text: str) -> str:
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    with gr.Blocks(analytics_enabled=False) as app:
        text, out = gr.Textbox(), gr.Textbox()
        text.submit(echo, text, out, api_name="echo")
    app.queue().launch(server_name="127.0.0.1", server_port=args.port, quiet=True)


if __name__ == "__main__":
    main()
