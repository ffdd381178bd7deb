"""Task specs: one module per task, all following `demo.tasks.base.Task`; `demo.registry` lists them."""
