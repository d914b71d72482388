#!/usr/bin/python3
"""Optuna 3.1 on the same problems and measurements as bench/sampler_bench.cc.

- hypervolume after --trials trials, median over --seeds seeds, on ZDT1/2/3, DTLZ2 (6 vars)
  and Branin-Currin (2 vars), both objectives minimized, reference points (11, 11) ZDT,
  (2.5, 2.5) DTLZ2, (18, 6) Branin-Currin (the ones ecohpo's objectives::problems() uses);
- wall and process-CPU seconds per ask after --history finished trials (ZDT1, 2 objectives, 6 parameters): the
  study is pre-filled with --history random trials through add_trials, then --asks asks with
  all six distributions (study.ask(fixed_distributions)), each told before the next; median.
Samplers: RandomSampler, TPESampler(multivariate=True), NSGAIISampler (population 50).
Prints one JSON object on stdout.  Run with Debian's /usr/bin/python3.
"""
import argparse
import json
import math
import random
import statistics
import sys
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.ERROR)


def zdt(variant, x):
    f1 = x[0]
    g = 1.0 + 9.0 * sum(x[1:]) / (len(x) - 1)
    if variant == 1:
        h = 1.0 - math.sqrt(f1 / g)
    elif variant == 2:
        h = 1.0 - (f1 / g) ** 2
    else:
        h = 1.0 - math.sqrt(f1 / g) - (f1 / g) * math.sin(10.0 * math.pi * f1)
    return [f1, g * h]


def dtlz2(x):
    g = sum((xi - 0.5) ** 2 for xi in x[1:])
    return [(1 + g) * math.cos(x[0] * math.pi / 2), (1 + g) * math.sin(x[0] * math.pi / 2)]


def branin_currin(x):
    u, v = 15 * x[0] - 5, 15 * x[1]
    t = v - 5.1 / (4 * math.pi ** 2) * u * u + 5 / math.pi * u - 6
    branin = t * t + 10 * (1 - 1 / (8 * math.pi)) * math.cos(u) + 10
    a, b = x[0], x[1]
    factor = 1 - math.exp(-1 / (2 * b)) if b > 0 else 1.0
    currin = factor * (2300 * a ** 3 + 1900 * a * a + 2092 * a + 60) / (100 * a ** 3 + 500 * a * a + 4 * a + 20)
    return [branin, currin]


PROBLEMS = {
    "zdt1": (6, lambda x: zdt(1, x), (11.0, 11.0)),
    "zdt2": (6, lambda x: zdt(2, x), (11.0, 11.0)),
    "zdt3": (6, lambda x: zdt(3, x), (11.0, 11.0)),
    "dtlz2": (6, dtlz2, (2.5, 2.5)),
    "branin_currin": (2, branin_currin, (18.0, 6.0)),
}


def hypervolume_2d(points, ref):
    pts = sorted(p for p in points if p[0] < ref[0] and p[1] < ref[1])
    hv, best_y = 0.0, ref[1]
    for x, y in pts:
        if y < best_y:
            hv += (ref[0] - x) * (best_y - y)
            best_y = y
    return hv


def make_sampler(name, seed):
    if name == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if name == "tpe":
        return optuna.samplers.TPESampler(multivariate=True, seed=seed)
    if name == "nsga2":
        return optuna.samplers.NSGAIISampler(seed=seed)
    raise ValueError(name)


def run_quality(name, prob, seed, trials):
    n, f, ref = PROBLEMS[prob]
    study = optuna.create_study(directions=["minimize", "minimize"], sampler=make_sampler(name, seed))
    study.optimize(lambda t: tuple(f([t.suggest_float(f"x{i}", 0.0, 1.0) for i in range(n)])),
                   n_trials=trials)
    return hypervolume_2d([t.values for t in study.trials if t.values], ref)


def run_cost(name, history, asks):
    n, f, _ = PROBLEMS["zdt1"]
    dists = {f"x{i}": optuna.distributions.FloatDistribution(0.0, 1.0) for i in range(n)}
    rng = random.Random(12345)
    frozen = []
    for _ in range(history):
        params = {k: rng.random() for k in dists}
        frozen.append(optuna.trial.create_trial(params=params, distributions=dists,
                                                values=f([params[f"x{i}"] for i in range(n)])))
    study = optuna.create_study(directions=["minimize", "minimize"], sampler=make_sampler(name, 1))
    study.add_trials(frozen)
    secs, cpu = [], []
    for _ in range(asks):
        c0 = time.process_time()
        t0 = time.perf_counter()
        trial = study.ask(fixed_distributions=dists)
        secs.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        study.tell(trial, f([trial.params[f"x{i}"] for i in range(n)]))
    return statistics.median(secs), statistics.median(cpu)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samplers", default="random,tpe,nsga2")
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--trials", type=int, default=100)
    ap.add_argument("--history", type=int, default=1000)
    ap.add_argument("--asks", type=int, default=20)
    ap.add_argument("--skip-quality", action="store_true")
    ap.add_argument("--skip-cost", action="store_true")
    ap.add_argument("--skip-energy", action="store_true", help="accepted for symmetry; no energy part here")
    ap.add_argument("--gp-history", type=int, help="accepted for symmetry; ecohpo's gp only")
    a = ap.parse_args()
    names = a.samplers.split(",")
    out = {"config": {"seeds": a.seeds, "trials": a.trials, "history": a.history,
                      "asks": a.asks, "optuna": optuna.__version__}}
    if not a.skip_quality:
        out["hv"], out["hv_seeds"] = {}, {}
        for prob in PROBLEMS:
            out["hv"][prob], out["hv_seeds"][prob] = {}, {}
            for name in names:
                hvs = [run_quality(name, prob, seed, a.trials) for seed in range(a.seeds)]
                out["hv"][prob][name] = statistics.median(hvs)
                out["hv_seeds"][prob][name] = hvs
                print(f"hv {prob} {name} {out['hv'][prob][name]}", file=sys.stderr)
    if not a.skip_cost:
        out["ask_s"], out["ask_cpu_s"] = {}, {}
        for name in names:
            out["ask_s"][name], out["ask_cpu_s"][name] = run_cost(name, a.history, a.asks)
            print(f"ask {name} {out['ask_s'][name]} s wall, {out['ask_cpu_s'][name]} s cpu",
                  file=sys.stderr)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
