"""The step budget: the work of one step stops at a wall-clock deadline, in any thread.

A watchdog thread raises `BudgetExceeded` into the thread running the step when its
deadline passes (CPython's `PyThreadState_SetAsyncExc`), so the budget holds in a web
server's worker thread as well as in the scheduler; signals reach only the main thread.
The exception arrives between two bytecodes: it stops any Python-level loop, while an
operation inside one C call (a huge power or repeat) is bounded by the sandbox's size
guards (`engine.scripting`) and the process's memory limit (`limit_memory`).
"""

from __future__ import annotations

import ctypes
import logging
import os
import resource
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger("klageflow.budget")

_set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
_set_async_exc.argtypes = (ctypes.c_ulong, ctypes.py_object)
_set_async_exc.restype = ctypes.c_int

# If something swallowed the first raise (library code catching BaseException), raise again.
REPEAT_SECONDS = 0.5


class BudgetExceeded(BaseException):
    """Raised into a step's thread when its budget is spent.

    A BaseException, so that `except Exception` in SpiffWorkflow or in a service handler
    does not swallow it; model scripts cannot catch it (the sandbox refuses bare `except:`
    and `finally:`, and `BaseException` is not among their names).
    """


class _Watch:
    """The deadline of one budgeted block in one thread."""

    def __init__(self, thread_id: int, deadline: float):
        self.thread_id = thread_id
        self.deadline = deadline
        self.fired = False


class _Watchdog:
    """One thread per process that raises into every budgeted block past its deadline
    (again every REPEAT_SECONDS until the block ends), so a step costs no thread of its own."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._watches: set[_Watch] = set()
        self._owner_pid = 0  # the process whose thread runs `_run` (a fork has none)

    def arm(self, seconds: float) -> _Watch:
        watch = _Watch(threading.get_ident(), time.monotonic() + seconds)
        with self._lock:
            if self._owner_pid != os.getpid():
                self._owner_pid = os.getpid()
                threading.Thread(
                    target=self._run, name="klageflow-step-budget", daemon=True
                ).start()
            self._watches.add(watch)
            self._lock.notify()
        return watch

    def disarm(self, watch: _Watch) -> None:
        with self._lock:
            self._watches.discard(watch)
            fired = watch.fired
        if fired:
            # A raise still pending (not yet delivered) must not surface after the block.
            _set_async_exc(watch.thread_id, ctypes.py_object())

    def _run(self) -> None:
        with self._lock:
            while True:
                now = time.monotonic()
                for watch in self._watches:
                    if watch.deadline <= now:
                        _set_async_exc(watch.thread_id, ctypes.py_object(BudgetExceeded))
                        watch.fired = True
                        watch.deadline = now + REPEAT_SECONDS
                upcoming = min((watch.deadline for watch in self._watches), default=None)
                self._lock.wait(None if upcoming is None else upcoming - now)


_watchdog = _Watchdog()


@contextmanager
def step_budget(seconds: float) -> Iterator[None]:
    """Run the block with a deadline `seconds` from now; past it, `BudgetExceeded` is raised
    inside the block (a budget of 0 or less means no deadline)."""
    if seconds <= 0:
        yield
        return
    watch = _watchdog.arm(seconds)
    try:
        yield
    finally:
        _watchdog.disarm(watch)


def limit_memory(megabytes: int) -> bool:
    """Bound this process's address space (RLIMIT_AS) to `megabytes`; False where the
    platform has no such limit or it cannot be lowered. An allocation past it raises
    MemoryError in the code that asked for it (in a step: an incident for its element)."""
    if megabytes <= 0 or not hasattr(resource, "RLIMIT_AS"):
        return False
    wanted = megabytes * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY and hard < wanted:
        wanted = hard
    try:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    except (ValueError, OSError) as exc:
        log.warning("could not limit memory to %d MB: %s", megabytes, exc)
        return False
    return True
