"""The task registry: one module per task, all following `demo.tasks.base.Task`."""

from demo.tasks.base import Task
from demo.tasks.fill_mask import FillMaskTask
from demo.tasks.generate import GenerateTask
from demo.tasks.next_sentence import NextSentenceTask
from demo.tasks.sentiment import SentimentTask

TASKS: dict[str, Task] = {
    task.key: task for task in (SentimentTask(), FillMaskTask(), NextSentenceTask(), GenerateTask())
}


def get_task(key: str) -> Task:
    try:
        return TASKS[key]
    except KeyError:
        raise KeyError(f"Unknown task '{key}'; choose one of: {', '.join(TASKS)}") from None
