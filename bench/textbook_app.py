"""The textbook Gradio demo of a sentiment pipeline: one `gr.Interface`, the default queue.

    python -m bench.textbook_app --model PATH --port 7861

The peer that `bench.peer` measures the app against, on the same checkpoint.
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402
from transformers import pipeline  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    classifier = pipeline("text-classification", model=args.model, top_k=None)

    def sentiment(text: str) -> dict[str, float]:
        (rows,) = classifier([text])  # top_k=None: every label of the one text
        return {row["label"]: row["score"] for row in rows}

    demo = gr.Interface(fn=sentiment, inputs=gr.Textbox(label="Text"), outputs=gr.Label(label="Sentiment"),
                        api_name="sentiment", analytics_enabled=False)
    demo.launch(server_name="127.0.0.1", server_port=args.port, quiet=True)


if __name__ == "__main__":
    main()
