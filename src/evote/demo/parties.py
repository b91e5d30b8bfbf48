"""Each party of the demo runs in a process of its own, as it would on its own machine:
no process of `evote demo` ever holds two parties' secrets (the authority's key, a
guardian's, a kiosk's or an official's), and the main process holds none.

    as_party(fn, *args, **kwargs)        # fn in a fresh process; returns its result
    parties_in_parallel(fn, task_args, jobs, on_done)   # one fresh process per task

Processes are forked (they inherit the imported modules, so a step starts in
milliseconds) and used for one task only (maxtasksperchild=1). Results travel back by
pickle: callers pass module-level functions that return plain values (paths, counts).
"""
import multiprocessing

from ..verify.executors import default_jobs


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def _call(fn, args, kwargs):
    return fn(*args, **kwargs)


def as_party(fn, *args, **kwargs):
    """fn(*args, **kwargs) in a process of its own; its exception is raised here."""
    with _context().Pool(1, maxtasksperchild=1) as pool:
        return pool.apply(_call, (fn, args, kwargs))


def parties_in_parallel(fn, task_args, jobs=None, on_done=lambda k: None) -> list:
    """[fn(*a) for a in task_args], each in a fresh process, up to `jobs` at a time."""
    jobs = default_jobs() if jobs is None else jobs
    out = [None] * len(task_args)
    with _context().Pool(max(1, min(jobs, len(task_args))), maxtasksperchild=1) as pool:
        pending = [(k, pool.apply_async(fn, task_args[k])) for k in range(len(task_args))]
        for k, res in pending:
            out[k] = res.get()
            on_done(k)
    return out
