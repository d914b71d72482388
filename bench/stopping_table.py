#!/usr/bin/python3
"""Table of energy saved and hypervolume lost for the stopping benchmarks (issue 5).

usage: stopping_table.py WORK "SEED..." RUN...   (WORK/RUN-SEED.csv from `ecohpo export`;
the first RUN is the full-budget baseline). Per seed: total energy of every attempt plus the
optimizer's, and the 2-D hypervolume of the complete trials' (accuracy max, energy_kwh min)
against one reference for every run of that seed (the baseline's worst accuracy and energy
+ 10%), both relative to the baseline.
"""
import sys
import pandas as pd
work, seeds, runs = sys.argv[1], sys.argv[2].split(), sys.argv[3:]

def front_points(df):
    c = df[df["state"] == "complete"]
    return [(-a, e) for a, e in zip(c["values.accuracy"], c["values.energy_kwh"])]

def hv2(points, ref):
    pts = sorted(p for p in points if p[0] < ref[0] and p[1] < ref[1])
    area, best_y = 0.0, ref[1]
    for x, y in pts:
        if y < best_y:
            area += (ref[0] - x) * (best_y - y)
            best_y = y
    return area

def total_kwh(df):
    return float(df["energy_kwh"].sum() + df["sampler_kwh"].sum())

rows = {r: [] for r in runs}
print("| run | seed | trials | pruned | energy kWh | energy saved | hypervolume lost | best accuracy |")
print("|---|---|---|---|---|---|---|---|")
for seed in seeds:
    data = {r: pd.read_csv(f"{work}/{r}-{seed}.csv") for r in runs}
    full = front_points(data[runs[0]])
    worst = max(p[0] for p in full)
    ref = (worst + 0.1 * abs(worst), max(p[1] for p in full) * 1.1)
    base_e, base_hv = total_kwh(data[runs[0]]), hv2(full, ref)
    for r in runs:
        df = data[r]
        e, hv = total_kwh(df), hv2(front_points(df), ref)
        saved, lost = 100 * (1 - e / base_e), 100 * (1 - hv / base_hv)
        best = df[df["state"] == "complete"]["values.accuracy"].max()
        rows[r].append((saved, lost))
        print(f"| {r} | {seed} | {len(df)} | {(df['state'] == 'pruned').sum()} | {e:.3g} | "
              f"{saved:.1f}% | {lost:.1f}% | {best:.4f} |")
print()
print("| run | energy saved (mean, min-max) | hypervolume lost (mean, min-max) |")
print("|---|---|---|")
for r in runs:
    s = [x[0] for x in rows[r]]
    l = [x[1] for x in rows[r]]
    print(f"| {r} | {sum(s) / len(s):.1f}% ({min(s):.1f} to {max(s):.1f}) | "
          f"{sum(l) / len(l):.1f}% ({min(l):.1f} to {max(l):.1f}) |")
