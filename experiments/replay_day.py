"""Replays experiments/data/grid-hourly-synthetic.csv from now, each hour compressed into
DAY_SECONDS/24 seconds: writes OUT with unix-second timestamps (used by carbon-regions.sh).

usage: /usr/bin/python3 experiments/replay_day.py DAY_SECONDS OUT
"""
import sys
import time

day_s, out = float(sys.argv[1]), sys.argv[2]
lines = open("experiments/data/grid-hourly-synthetic.csv").read().split()[1:]
t0 = int(time.time())
with open(out, "w") as f:
    f.write("timestamp,g_per_kwh\n")
    for h, line in enumerate(lines):
        f.write(f"{t0 + h * day_s / 24:.3f},{line.split(',')[1]}\n")
