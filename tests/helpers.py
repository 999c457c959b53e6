from dockerlint.engine import lint_text


def codes(text, select=None, target=None):
    """(code, line) of every finding, the way a user reads them."""
    res = lint_text(text, "Dockerfile", select=select, target=target)
    return [(f.code, f.line) for f in res.findings]


def only(code, text, **kw):
    return [line for c, line in codes(text, select={code}, **kw) if c == code]


def findings(text, code):
    return [f for f in lint_text(text, "Dockerfile", select={code}).findings if f.code == code]


# DKL201's message for `RUN apt-get update && apt-get install …` with no cleanup: one place for
# the tests that pin whole output lines.
APT_MSG = ("`apt-get update` writes apt's package lists (about 20 MB on Debian bookworm) to /var/lib/apt/lists, "
           "and this RUN does not remove them: they stay in this layer")


def cpu_seconds(fn, *args, **kw) -> float:
    """CPU time (user + system, this process) that fn(*args, **kw) takes: unlike wall-clock time it
    does not grow when other processes load the machine, so bounds on it do not fail on busy CI.
    The cyclic GC is off while fn runs, as in a dockerlint process (__main__ turns it off): in
    the test process a collection would scan every object earlier tests left alive, a cost of the
    suite's heap and not of fn (a CI run measured the 512 KB ENV shape at 3.8 s against 0.7 s)."""
    import gc
    import time

    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        t0 = time.process_time()
        fn(*args, **kw)
        return time.process_time() - t0
    finally:
        if was:
            gc.enable()
