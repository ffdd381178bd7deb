"""Run and Stop on the page: Run is off and Stop on while a job runs; a refusal shows under the inputs."""

from __future__ import annotations

from html import escape

import gradio as gr

from demo.i18n import localize
from demo.scope import RequestScope


def toast(message: str, title: str, locale: str, duration: float | None = 10) -> None:
    """A toast in the page's language (`message` and `title` may be `Text`), shown as text, never HTML."""
    gr.Warning(escape(localize(message, locale)), title=localize(title, locale), duration=duration)


def error_line(message: str):
    """The update that shows a refusal under the inputs, in red, announced to screen readers."""
    return gr.update(value=f'<p class="input-error" role="alert">{escape(message)}</p>', visible=True)


def run_and_stop(triggers: list, page: dict, run: gr.Button, stop: gr.Button, stoppable: dict[str, RequestScope],
                 quiet: dict):
    """Wire a stoppable page event: Run is off and Stop on while it runs; Stop ends the session's
    running work at its next step (an answer that keeps what was made, not an error). Returns the event.

    The run's scope is listed when Stop turns on, before the work starts: a Stop pressed while the
    request still waits for its turn holds too (it once fell between the two and was lost)."""

    def busy_now(request: gr.Request):
        stoppable[request.session_hash] = RequestScope()  # the stream takes it up (`stream_in_scope`)
        return gr.Button(interactive=False), gr.Button(interactive=True)

    busy = gr.on(triggers=triggers, fn=busy_now, outputs=[run, stop], **quiet)
    event = busy.then(**page)
    idle = lambda: (gr.Button(interactive=True), gr.Button(interactive=False))  # noqa: E731
    event.then(idle, outputs=[run, stop], **quiet)
    event.failure(idle, outputs=[run, stop], **quiet)  # `then` alone is skipped after an error here

    def request_stop(request: gr.Request):
        scope = stoppable.get(request.session_hash)
        if scope is not None:
            scope.stop_requested.set()

    stop.click(fn=request_stop, **quiet)
    return event
