#!/bin/bash
# Runs ecohpo's sampler_bench and Optuna's peer script in the same run on this machine and
# prints a table of ratios (docs/benchmarks.md, "## Samplers"). Usage:
#   BUILD_DIR=build bench/run_sampler_comparison.sh [--seeds 10] [--trials 100] ...
# Extra flags go to both programs. Outputs are kept in $OUT_DIR (default: a temp dir).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${BUILD_DIR:-$here/../build}"
out="${OUT_DIR:-$(mktemp -d)}"
mkdir -p "$out"
"$build/bench/sampler_bench" "$@" > "$out/ecohpo.json"
/usr/bin/python3 "$here/peers/optuna_bench.py" "$@" > "$out/optuna.json"
/usr/bin/python3 - "$out/ecohpo.json" "$out/optuna.json" <<'PY'
import json, sys
e = json.load(open(sys.argv[1])); o = json.load(open(sys.argv[2]))
if "hv" in e and "hv" in o:
    print("Hypervolume after %d trials, median of %d seeds (higher is better)" % (e["config"]["trials"], e["config"]["seeds"]))
    names_e = sorted(next(iter(e["hv"].values())).keys()); names_o = sorted(next(iter(o["hv"].values())).keys())
    print("| problem | " + " | ".join("ecohpo " + n for n in names_e) + " | " + " | ".join("optuna " + n for n in names_o) + " | best ecohpo / best optuna |")
    print("|" + "---|" * (2 + len(names_e) + len(names_o)))
    for prob in e["hv"]:
        if prob not in o["hv"]: continue
        be = max(e["hv"][prob].values()); bo = max(o["hv"][prob].values())
        print("| %s | %s | %s | %.3f |" % (prob, " | ".join("%.4f" % e["hv"][prob][n] for n in names_e),
              " | ".join("%.4f" % o["hv"][prob][n] for n in names_o), be / bo))
if "ask_s" in e and "ask_s" in o:
    print("\nSeconds per ask after %d finished trials (ZDT1, 2 objectives, 6 parameters), median of %d asks" % (e["config"]["history"], e["config"]["asks"]))
    print("| sampler | ecohpo wall s | optuna wall s | wall ratio | ecohpo cpu s | optuna cpu s | cpu ratio |")
    print("|---|---|---|---|---|---|---|")
    for n in e["ask_s"]:
        if n in o["ask_s"]:
            print("| %s | %.6f | %.6f | 1/%.0f | %.6f | %.6f | 1/%.0f |" % (n, e["ask_s"][n], o["ask_s"][n], o["ask_s"][n] / e["ask_s"][n],
                  e["ask_cpu_s"][n], o["ask_cpu_s"][n], o["ask_cpu_s"][n] / max(e["ask_cpu_s"][n], 1e-9)))
        else:
            print("| %s | %.6f | - | - | %.6f | - | - |" % (n, e["ask_s"][n], e["ask_cpu_s"][n]))
if "energy_aware" in e:
    ea = e["energy_aware"]
    print("\nEnergy-aware %s on Branin-Currin: median energy ratio (aware / plain) to reach 95%% of plain's final HV: %.3f (aware reached the target in %d/%d seeds)"
          % (ea["sampler"], ea["median_ratio"], ea["reached"], ea["seeds"]))
PY
echo "(raw JSON in $out)"
