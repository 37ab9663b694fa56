"""What the coding widget asks of the Jupyter kernel it runs in: work after the running cell, and the cyclic
garbage collector paused until the first view is drawn. Outside IPython both do nothing.
"""

from __future__ import annotations

__all__ = ["after_this_cell", "pause_gc_in_kernel"]


def pause_gc_in_kernel(longest: float = 2.0):
    """In a Jupyter kernel, pause the cyclic garbage collector until the widget's first snapshot is sent.

    After the notebook's imports the kernel holds some 250,000 objects not yet examined; the next cell that
    allocates a little pays a full collection (0.2-0.5 s on a busy machine), which would fall between the
    cell and the first drawn view. Paused, it runs once the snapshot is on its way, while the browser draws.
    Returns the function that resumes it (idempotent); a timer resumes it after ``longest`` seconds anyway.
    Outside IPython, or when the collector is already off, nothing is paused.

    Parameters
    ----------
    longest : float
        Seconds after which the collector runs again even if no view asked for its snapshot.

    Returns
    -------
    callable
        Resumes the collector (once; later calls do nothing).

    Examples
    --------
    >>> resume = pause_gc_in_kernel()  # not in a kernel here: nothing paused
    >>> import gc; resume(); gc.isenabled()
    True
    """
    import gc
    import threading

    try:
        from IPython import get_ipython
    except ImportError:
        get_ipython = None
    if get_ipython is None or get_ipython() is None or not gc.isenabled():
        return lambda: None
    gc.disable()
    timer = threading.Timer(longest, gc.enable)
    timer.daemon = True
    timer.start()

    def resume() -> None:
        if timer.is_alive():
            timer.cancel()
            gc.enable()

    return resume


def after_this_cell(callback) -> bool:
    """Run ``callback`` once after the running notebook cell (IPython's ``post_run_cell``).

    Parameters
    ----------
    callback : callable
        Called with no arguments.

    Returns
    -------
    bool
        False outside IPython (nothing registered: the caller runs it itself).

    Examples
    --------
    >>> after_this_cell(print)
    False
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False

    def once(*_):
        shell.events.unregister("post_run_cell", once)
        callback()

    shell.events.register("post_run_cell", once)
    return True
