"""Small helper for Python trial programs that speak ecohpo's trial protocol
(docs/trial-protocol.md). Plain ``print(json.dumps({...}), flush=True)`` is enough; this
module only adds checks and the parameters from the environment.

    import ecohpo_trial
    p = ecohpo_trial.params()            # {"lr": 0.01, "act": "relu"} from ECOHPO_PARAMS
    for epoch in range(1, 11):
        ecohpo_trial.report_step(epoch, accuracy=acc)   # intermediate (pruners see it)
    ecohpo_trial.report(accuracy=acc, loss=loss)        # final report

Reports go to stdout as one JSON line each and are flushed at once. Metric values must be
finite numbers; anything else raises ValueError here rather than failing the trial later.
"""
import json
import math
import os
import sys

__all__ = ["params", "trial_number", "report", "report_step"]


def params(environ=None):
    """The trial's parameter values, from ECOHPO_PARAMS (an empty dict outside ecohpo)."""
    env = os.environ if environ is None else environ
    text = env.get("ECOHPO_PARAMS", "")
    if not text:
        return {}
    value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError("ECOHPO_PARAMS is not a JSON object")
    return value


def trial_number(environ=None):
    """The trial's number (ECOHPO_TRIAL), or None outside ecohpo."""
    env = os.environ if environ is None else environ
    text = env.get("ECOHPO_TRIAL")
    return int(text) if text not in (None, "") else None


def _checked(metrics):
    if not metrics:
        raise ValueError("a report needs at least one metric")
    out = {}
    for name, value in metrics.items():
        if name == "step":
            raise ValueError("use report_step(step, ...) for intermediate reports")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"metric {name!r} must be a number, got {value!r}")
        if not math.isfinite(value):
            raise ValueError(f"metric {name!r} must be finite, got {value!r}")
        out[name] = float(value) if isinstance(value, float) else value
    return out


def _emit(obj, stream):
    stream = sys.stdout if stream is None else stream
    stream.write(json.dumps(obj) + "\n")
    stream.flush()


def report(stream=None, **metrics):
    """Final (or any non-step) report: one JSON line on stdout. The last value wins."""
    _emit(_checked(metrics), stream)


def report_step(step, stream=None, **metrics):
    """Intermediate report at integer `step` (epoch, iteration) for the pruners."""
    if isinstance(step, bool) or not isinstance(step, int):
        raise ValueError(f"step must be an integer, got {step!r}")
    obj = {"step": step}
    obj.update(_checked(metrics))
    _emit(obj, stream)
