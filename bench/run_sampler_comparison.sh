#!/bin/bash
# Runs ecohpo's sampler_bench and Optuna's peer script in the same run on this machine and
# prints the tables and one check line per issue-4 target (docs/benchmarks.md, "## Samplers").
# Usage:
#   BUILD_DIR=build bench/run_sampler_comparison.sh [--seeds 10] [--trials 100] ...
# Extra flags go to both programs. Outputs are kept in $OUT_DIR (default: a temp dir).
# TABULATE_ONLY=1 OUT_DIR=DIR reprints the tables and checks from an earlier run's DIR.
#
# Phase 1 (quality: hypervolume after --trials trials; ecohpo's energy-aware part) runs the two
# programs side by side: hypervolumes do not depend on timing. Phase 2 (cost per ask) runs
# ecohpo alone, then Optuna alone, with nothing else started by this script.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${BUILD_DIR:-$here/../build}"
out="${OUT_DIR:-$(mktemp -d)}"
mkdir -p "$out"
py=/usr/bin/python3

if [ "${TABULATE_ONLY:-0}" != 1 ]; then
"$build/bench/sampler_bench" --skip-cost "$@" > "$out/ecohpo-quality.json" 2> "$out/ecohpo-quality.log" &
e_pid=$!
"$py" "$here/peers/optuna_bench.py" --skip-cost "$@" > "$out/optuna-quality.json" 2> "$out/optuna-quality.log" &
o_pid=$!
wait "$e_pid" || { echo "sampler_bench (quality) failed; see $out/ecohpo-quality.log" >&2; exit 1; }
wait "$o_pid" || { echo "optuna_bench.py (quality) failed; see $out/optuna-quality.log" >&2; exit 1; }

"$build/bench/sampler_bench" --skip-quality --skip-energy "$@" > "$out/ecohpo-cost.json" 2> "$out/ecohpo-cost.log"
"$py" "$here/peers/optuna_bench.py" --skip-quality "$@" > "$out/optuna-cost.json" 2> "$out/optuna-cost.log"
fi

"$py" - "$out" <<'PY'
import json, os, sys
d = sys.argv[1]
def load(a, b):
    x = json.load(open(os.path.join(d, a))); x.update({k: v for k, v in json.load(open(os.path.join(d, b))).items() if k != "config"})
    return x
e = load("ecohpo-quality.json", "ecohpo-cost.json"); o = load("optuna-quality.json", "optuna-cost.json")
json.dump({"ecohpo": e, "optuna": o}, open(os.path.join(d, "merged.json"), "w"), indent=2)
checks = []
def check(ok, text):
    checks.append({True: "met     ", False: "MISSED  ", None: "measured"}[ok] + " " + text)
if "hv" in e and "hv" in o:
    print("Hypervolume after %d trials, median of %d seeds (higher is better)" % (e["config"]["trials"], e["config"]["seeds"]))
    order = ["random", "qmc", "tpe", "nsga2", "gp"]
    names_e = [n for n in order if n in next(iter(e["hv"].values()))]
    names_e += sorted(n for n in next(iter(e["hv"].values())) if n not in names_e)
    names_o = [n for n in ["random", "tpe", "nsga2"] if n in next(iter(o["hv"].values()))]
    print("| problem | " + " | ".join("ecohpo " + n for n in names_e) + " | " + " | ".join("optuna " + n for n in names_o) + " | best ecohpo / best optuna |")
    print("|" + "---|" * (2 + len(names_e) + len(names_o)))
    for prob in e["hv"]:
        if prob not in o["hv"]: continue
        he, ho = e["hv"][prob], o["hv"][prob]
        be = max(he, key=he.get); bo = max(ho, key=ho.get)
        r = he[be] / ho[bo]
        print("| %s | %s | %s | %.3f |" % (prob, " | ".join("%.4f" % he[n] for n in names_e),
              " | ".join("%.4f" % ho[n] for n in names_o), r))
        spread = ""
        if "hv_seeds" in e and "hv_seeds" in o:
            se, so = e["hv_seeds"][prob][be], o["hv_seeds"][prob][bo]
            spread = "; per seed %.4f-%.4f vs %.4f-%.4f" % (min(se), max(se), min(so), max(so))
        check(r >= 1.0, "quality %s: best ecohpo (%s %.4f) / best optuna (%s %.4f) = %.3f, target >= 1%s" % (prob, be, he[be], bo, ho[bo], r, spread))
        for n in ("tpe", "gp"):
            if n in he and "random" in he:
                check(he[n] > he["random"], "quality %s: ecohpo %s %.4f vs ecohpo random %.4f (x%.3f), target above random" % (prob, n, he[n], he["random"], he[n] / he["random"]))
if "ask_s" in e and "ask_s" in o:
    print("\nSeconds per ask after %d finished trials (ZDT1, 2 objectives, 6 parameters), median of %d asks, each told before the next;"
          " cpu = process CPU seconds (all threads)" % (e["config"]["history"], e["config"]["asks"]))
    print("| sampler | ecohpo wall s | optuna wall s | wall ratio | ecohpo cpu s | optuna cpu s | cpu ratio |")
    print("|---|---|---|---|---|---|---|")
    for n in e["ask_s"]:
        if n in o["ask_s"]:
            print("| %s | %.6f | %.6f | 1/%.0f | %.6f | %.6f | 1/%.0f |" % (n, e["ask_s"][n], o["ask_s"][n], o["ask_s"][n] / e["ask_s"][n],
                  e["ask_cpu_s"][n], o["ask_cpu_s"][n], o["ask_cpu_s"][n] / max(e["ask_cpu_s"][n], 1e-9)))
        else:
            print("| %s | %.6f | - | - | %.6f | - | - |" % (n, e["ask_s"][n], e["ask_cpu_s"][n]))
    for n, k in (("tpe", 50), ("nsga2", 10), ("random", 10)):
        if n in e["ask_s"] and n in o["ask_s"]:
            rc = o["ask_cpu_s"][n] / max(e["ask_cpu_s"][n], 1e-9); rw = o["ask_s"][n] / e["ask_s"][n]
            check(rc >= k, "cost %s: 1/%.0f of optuna's in CPU seconds (1/%.0f in wall seconds), target <= 1/%d" % (n, rc, rw, k))
    if "gp" in e["ask_s"]:
        check(e["ask_s"]["gp"] < 1.0, "cost gp after %d trials: %.3f s wall (%.3f s cpu), target < 1 s" % (e["config"]["history"], e["ask_s"]["gp"], e["ask_cpu_s"]["gp"]))
    if "gp_ask" in e:
        g = e["gp_ask"]
        print("| gp after %d | %.6f | - | - | %.6f | - | - |" % (g["history"], g["wall_s"], g["cpu_s"]))
        check(g["wall_s"] < 0.1, "cost gp after %d trials: %.3f s wall (%.3f s cpu), target < 0.1 s" % (g["history"], g["wall_s"], g["cpu_s"]))
if "energy_aware" in e:
    ea = e["energy_aware"]
    print("\nEnergy-aware %s on Branin-Currin: median energy ratio (aware / plain) to reach 95%% of plain's final HV: %.3f (aware reached the target in %d/%d seeds)"
          % (ea["sampler"], ea["median_ratio"], ea["reached"], ea["seeds"]))
    check(None, "energy-aware %s: median energy ratio aware/plain %.3f, reached %d/%d (target 'clearly less energy', no number)"
          % (ea["sampler"], ea["median_ratio"], ea["reached"], ea["seeds"]))
if checks:
    print("\nChecks against issue 4's targets:")
    for c in checks: print("  " + c)
PY
echo "(raw JSON in $out)"
