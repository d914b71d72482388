#!/usr/bin/python3
"""Training speed of ecohpo-mlp against the same network in PyTorch, on the same machine, in
the same run (docs/benchmarks.md, "MLP training speed").

Both programs train a fully connected ReLU network (--layers x --width), Adam, batch 64, with
identical flags; each reports train_s (wall seconds in training steps, evaluation excluded),
so samples/s = training rows x epochs / train_s. Runs alternate between the two programs
(repeats times), and the median is reported, for 1 and 2 threads (torch.set_num_threads and
ecohpo-mlp --threads).

  bench/mlp_vs_torch.sh [--repeats 3] [--fashion-epochs 1] [--digits-epochs 20]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--binary", default=os.path.join(ROOT, "build", "objectives", "ecohpo-mlp"))
    p.add_argument("--native-binary", default="",
                   help="optional ecohpo-mlp built with -DECOHPO_MLP_NATIVE=ON, reported as a third column")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--digits-epochs", type=int, default=20)
    p.add_argument("--fashion-epochs", type=int, default=1)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--width", type=int, default=128)
    p.add_argument("--threads", default="1,2")
    p.add_argument("--datasets", default="digits,fashion-mnist")
    args = p.parse_args()
    torch_script = os.path.join(ROOT, "objectives", "python", "torch_fashion_mnist.py")
    rows = []
    epochs_of = {"digits": args.digits_epochs, "fashion-mnist": args.fashion_epochs}
    for dataset in args.datasets.split(","):
        epochs = epochs_of[dataset]
        for threads in (int(t) for t in args.threads.split(",")):
            common = ["--dataset", dataset, "--layers", str(args.layers), "--width", str(args.width),
                      "--activation", "relu", "--optimizer", "adam", "--lr", "0.001", "--batch-size", "64",
                      "--epochs", str(epochs), "--seed", "0", "--threads", str(threads), "--max-eval", "2000",
                      "--quiet-epochs"]
            results = {"ecohpo": [], "torch": []}
            if args.native_binary:
                results["native"] = []
            for _ in range(args.repeats):
                results["ecohpo"].append(run([args.binary] + common))
                if args.native_binary:
                    results["native"].append(run([args.native_binary] + common))
                results["torch"].append(run(["/usr/bin/python3", torch_script] + common))
            row = {"dataset": dataset, "threads": threads, "epochs": epochs}
            for name, rs in results.items():
                rates = [r["n_train"] * r["epochs_run"] / r["train_s"] for r in rs]
                row[name + "_samples_per_s"] = statistics.median(rates)
                row[name + "_val_acc"] = statistics.median(r["accuracy"] for r in rs)
                row[name + "_n_params"] = rs[0]["n_params"]
            row["ratio"] = row["ecohpo_samples_per_s"] / row["torch_samples_per_s"]
            if args.native_binary:
                row["native_ratio"] = row["native_samples_per_s"] / row["torch_samples_per_s"]
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    print(f"MLP {args.layers}x{args.width} relu, Adam lr 1e-3, batch 64; median of {args.repeats} "
          "alternating runs; samples/s = training rows x epochs / train_s")
    native = bool(args.native_binary)
    print("| dataset | epochs | threads | ecohpo-mlp samples/s | PyTorch samples/s | ratio | "
          + ("native samples/s | native ratio | " if native else "")
          + "ecohpo val acc | PyTorch val acc |")
    print("|---" * (10 if native else 8) + "|")
    for r in rows:
        extra = f"{r['native_samples_per_s']:,.0f} | {r['native_ratio']:.2f}x | " if native else ""
        print(f"| {r['dataset']} | {r['epochs']} | {r['threads']} | {r['ecohpo_samples_per_s']:,.0f} | "
              f"{r['torch_samples_per_s']:,.0f} | {r['ratio']:.2f}x | {extra}{r['ecohpo_val_acc']:.4f} | "
              f"{r['torch_val_acc']:.4f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
