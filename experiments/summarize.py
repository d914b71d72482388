"""Markdown tables for docs/experiments.md from `ecohpo export` CSVs.

usage: /usr/bin/python3 experiments/summarize.py data-fraction RUNS/data-fraction.csv
       /usr/bin/python3 experiments/summarize.py diminishing-returns RUNS/diminishing-returns.csv
"""
import sys

import pandas as pd


def data_fraction(df):
    df = df[df.state == "complete"]
    g = df.groupby(["params.data_fraction", "params.sampling"]).agg(
        accuracy=("values.accuracy", "mean"), accuracy_min=("values.accuracy", "min"),
        accuracy_max=("values.accuracy", "max"), energy_kwh=("values.energy_kwh", "mean"),
        n=("number", "count")).reset_index()
    full = g[g["params.data_fraction"] == g["params.data_fraction"].max()]
    full_e = full.energy_kwh.mean()
    print("| data fraction | sampling | seeds | val. accuracy mean [min, max] | energy kWh (mean) | energy vs 100% |")
    print("|---|---|---|---|---|---|")
    for _, r in g.iterrows():
        print(f"| {r['params.data_fraction']:g} | {r['params.sampling']} | {r.n} | "
              f"{r.accuracy:.4f} [{r.accuracy_min:.4f}, {r.accuracy_max:.4f}] | "
              f"{r.energy_kwh:.3g} | {r.energy_kwh / full_e:.2f} |")


def diminishing(df):
    done = df[df.state == "complete"].sort_values("values.energy_kwh")
    print("| trial | width | layers | epochs | val. accuracy | energy kWh | on front |")
    print("|---|---|---|---|---|---|---|")
    for _, r in done.iterrows():
        print(f"| {r.number} | {r['params.width']} | {r['params.layers']} | {r['params.epochs']} | "
              f"{r['values.accuracy']:.4f} | {r['values.energy_kwh']:.3g} | {'*' if r.pareto == 1 else ''} |")
    states = df.state.value_counts().to_dict()
    print(f"\nrecords by state: {states}; total energy {df.energy_kwh.sum():.4g} kWh "
          f"(all attempts), best accuracy {done['values.accuracy'].max():.4f}")


if __name__ == "__main__":
    kind, path = sys.argv[1], sys.argv[2]
    frame = pd.read_csv(path)
    {"data-fraction": data_fraction, "diminishing-returns": diminishing}[kind](frame)
