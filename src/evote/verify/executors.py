"""Running the verifier's per-station tasks: in this process, on a local process pool
(every core by default), or on a Dask cluster (`--scheduler ADDRESS`).

run_tasks(fn, task_args, jobs, scheduler, on_done) returns fn(*args) for each task, in
task order whatever order they finish in, so the report never depends on scheduling.
on_done(k) is called once per finished task (progress display). Dask is imported only
when a scheduler is given.
"""
import multiprocessing
import os
import socket
from concurrent.futures import ProcessPoolExecutor, as_completed

from ..errors import EvoteError


class SchedulerError(EvoteError):
    """The Dask scheduler cannot be used (dask.distributed missing, or unreachable)."""


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _local(fn, task_args, jobs, on_done, order):
    if jobs <= 1 or len(task_args) <= 1:
        out = [None] * len(task_args)
        for k in order:
            out[k] = fn(*task_args[k])
            on_done(k)
        return out
    # fork: workers inherit the imported modules (fast start); tasks touch no threads.
    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods()
                                      else None)
    results = [None] * len(task_args)
    with ProcessPoolExecutor(max_workers=min(jobs, len(task_args)), mp_context=ctx) as pool:
        futures = {pool.submit(fn, *task_args[k]): k for k in order}
        for fut in as_completed(futures):
            k = futures[fut]
            results[k] = fut.result()
            on_done(k)
    return results


def _check_scheduler(scheduler) -> None:
    """SchedulerError unless `scheduler` is an address dask.distributed can parse and,
    unless it is inproc:// (a scheduler in this process), a host:port that accepts a TCP
    connection. Checked before any Client exists: a Client whose constructor fails prints
    a traceback from its __del__ and waits 10 s more while the process exits."""
    from distributed.comm.addressing import get_address_host_port, parse_address
    from distributed.comm.registry import get_backend
    try:
        scheme, _ = parse_address(scheduler)
        get_backend(scheme)
        if scheme == "inproc":
            return  # no host:port to probe; the Client alone can tell
        host, port = get_address_host_port(scheduler)
    except (ValueError, TypeError) as exc:
        raise SchedulerError(f"--scheduler {scheduler!r}: not a Dask scheduler address "
                             f"({exc})") from None
    if not 0 < port < 65536:
        raise SchedulerError(f"--scheduler {scheduler!r}: port {port} is not in 1..65535")
    try:
        socket.create_connection((host, port), timeout=5).close()
    except OSError as exc:
        raise SchedulerError(f"cannot reach the Dask scheduler {scheduler}: "
                             f"{exc.strerror or exc}") from None


def _dask(fn, task_args, scheduler, on_done, order):
    try:
        from distributed import Client
    except ImportError:
        raise SchedulerError("--scheduler needs dask.distributed, which is not installed: "
                             "pip install 'evote[dask]'") from None
    _check_scheduler(scheduler)
    try:
        client = Client(scheduler, timeout="5s", set_as_default=False)
    except (OSError, ValueError, TimeoutError) as exc:
        raise SchedulerError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from None
    try:
        ordered = [task_args[k] for k in order]
        columns = list(zip(*ordered)) if ordered else []
        futures = client.map(fn, *columns, pure=False) if ordered else []
        results = [None] * len(task_args)
        for k, fut in zip(order, futures):  # progress is approximate
            results[k] = fut.result()
            on_done(k)
        return results
    finally:
        client.close()


def run_tasks(fn, task_args, jobs=None, scheduler=None, on_done=lambda k: None, order=None):
    """order: the task indices in the order to start them (largest first balances the
    workers); results always come back in task order."""
    task_args = [tuple(a) for a in task_args]
    order = list(range(len(task_args))) if order is None else list(order)
    if sorted(order) != list(range(len(task_args))):
        raise ValueError("run_tasks: order must be a permutation of the task indices")
    if scheduler is not None:
        return _dask(fn, task_args, scheduler, on_done, order)
    return _local(fn, task_args, default_jobs() if jobs is None else jobs, on_done, order)
