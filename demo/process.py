"""What the process measures and gives back: the model time a budget counts, and freed heap pages."""

from __future__ import annotations

import ctypes
import time

import torch


def model_clock() -> float:
    """Seconds of model time: the process's CPU time over the cores torch uses. A budget on it stops work
    that asks for too much arithmetic, not work slowed by other processes on the cores (on a busy 2-core
    machine a valid classify ran past a wall-clock budget of 20 s and was refused)."""
    return time.process_time() / max(1, torch.get_num_threads())


def return_freed_memory() -> None:
    """Hand the heap pages freed by a long job back to the system. glibc keeps freed memory for
    reuse: after an explanation's peak the process stayed gigabytes above its working size."""
    global _malloc_trim
    if _malloc_trim is None:
        try:
            _malloc_trim = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):  # not glibc: nothing to do
            _malloc_trim = False
    if _malloc_trim:
        _malloc_trim(0)


_malloc_trim = None
