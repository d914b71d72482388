"""Pareto fronts of the carbon-regions runs (experiments/carbon-regions.sh).

For each run (an `ecohpo export` CSV), the trials on the front of (accuracy max, energy_kwh
min) and of (accuracy max, co2e_kg min), identified by their parameter values so that runs
with the same seed can be matched; then whether the fronts' members differ between runs.
"""
import sys

import pandas as pd


def front(df, cost):
    pts = df[["values.accuracy", cost]].to_numpy()
    keep = []
    for i, (a, c) in enumerate(pts):
        dominated = any((a2 >= a and c2 <= c) and (a2 > a or c2 < c) for a2, c2 in pts)
        if not dominated:
            keep.append(i)
    return df.iloc[keep]


def key(row, params):
    return tuple(row[p] for p in params)


def main():
    d, tags = sys.argv[1], sys.argv[2:]
    summary = []
    for tag in tags:
        df = pd.read_csv(f"{d}/{tag}.csv")
        df = df[df.state == "complete"]
        params = [c for c in df.columns if c.startswith("params.")]
        fe = front(df, "values.energy_kwh")
        fc = front(df, "values.co2e_kg")
        summary.append((tag, df, params, fe, fc))
        print(f"{tag}: {len(df)} trials, energy {df['values.energy_kwh'].sum():.4g} kWh, "
              f"co2e {df['values.co2e_kg'].sum():.4g} kg, mean intensity "
              f"{df['intensity_g_per_kwh'].mean():.1f} g/kWh ({df['intensity_source'].iloc[0]}), "
              f"kWh front {sorted(fe.number)}, CO2e front {sorted(fc.number)}")
    # One study's trials priced under every setting: the first run's measured energies times
    # the intensity each setting gave the same trial number (same configuration, same seed).
    ref_tag, ref = summary[0][0], summary[0][1].set_index("number")
    ref_front = sorted(front(ref.reset_index(), "values.energy_kwh").number)
    print(f"\n{ref_tag}'s trials repriced (kWh front {ref_front}):")
    for tag, df, params, fe, fc in summary:
        intensity = df.set_index("number")["intensity_g_per_kwh"]
        priced = ref.copy()
        priced["values.co2e_kg"] = ref["values.energy_kwh"] * intensity.reindex(ref.index) * \
            ref["pue"] / 1000.0
        priced = priced.dropna(subset=["values.co2e_kg"]).reset_index()
        f = sorted(front(priced, "values.co2e_kg").number)
        lo, hi = intensity.min(), intensity.max()
        print(f"  {tag}: intensity {lo:.0f}-{hi:.0f} g/kWh, total {priced['values.co2e_kg'].sum():.4g} kg, "
              f"CO2e front {f}{'' if f == ref_front else '  <- differs from the kWh front'}")
    print("\nco2e of the lowest-energy front member, kg:")
    for tag, df, params, fe, fc in summary:
        best = fe.sort_values("values.energy_kwh").iloc[0]
        print(f"  {tag}: {best['values.co2e_kg']:.4g} (energy {best['values.energy_kwh']:.4g} kWh)")


if __name__ == "__main__":
    main()
