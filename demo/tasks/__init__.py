"""Task specs: one module per task, all following `demo.tasks.base.Task`; `demo.registry` lists them."""


def __getattr__(name: str):
    if name in ("TASKS", "get_task"):  # the registry, for callers that look for it here
        from demo import registry

        return getattr(registry, name)
    raise AttributeError(name)
