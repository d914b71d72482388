#!/usr/bin/python3
"""A small PyTorch MLP on Fashion-MNIST, speaking ecohpo's trial protocol.

Reads the gzip'd IDX files itself (Debian's dataset-fashion-mnist puts them in
/usr/share/datasets/fashion-mnist), trains a fully connected network, and prints one JSON
line per epoch ({"step": epoch, "accuracy": val_acc, "loss": train_loss}) and a final
{"accuracy": ..., "test_accuracy": ..., "train_s": ..., "n_params": ...} on stdout.

Flags mirror ecohpo-mlp (docs/objectives.md), so the same study can drive either program and
bench/mlp_vs_torch.py can compare them on the same network. --dataset digits trains on the
shipped UCI digits instead (used by that benchmark). Splits: Fashion-MNIST as ecohpo-mlp (first
50,000 training images train, last 10,000 validate, official test set tests); digits 60/20/20
stratified with seed 0 (same sizes as ecohpo-mlp, not the same rows).

Run with Debian's interpreter:
  /usr/bin/python3 objectives/python/torch_fashion_mnist.py --layers 2 --width 128 --epochs 5
"""
import argparse
import gzip
import json
import os
import struct
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_FASHION_DIR = "/usr/share/datasets/fashion-mnist"
DEFAULT_DIGITS_DIR = os.path.join(HERE, "..", "data")


def fraction(text):
    v = float(text)
    if not 0 < v <= 1:
        raise argparse.ArgumentTypeError(f"must be in (0, 1], got {text}")
    return v


def positive_float(text):
    v = float(text)
    if not v > 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
    return v


def non_negative_float(text):
    v = float(text)
    if not v >= 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text}")
    return v


def unit_interval_open(text):
    v = float(text)
    if not 0 <= v < 1:
        raise argparse.ArgumentTypeError(f"must be in [0, 1), got {text}")
    return v


def positive_int(text):
    v = int(text)
    if v < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {text}")
    return v


def non_negative_int(text):
    v = int(text)
    if v < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text}")
    return v


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dataset", choices=["fashion-mnist", "digits"], default="fashion-mnist")
    p.add_argument("--data-dir", default=None)
    p.add_argument("--layers", type=non_negative_int, default=2)
    p.add_argument("--width", type=positive_int, default=128)
    p.add_argument("--activation", choices=["relu", "tanh", "sigmoid", "gelu"], default="relu")
    p.add_argument("--optimizer", choices=["sgd", "adam"], default="adam")
    p.add_argument("--lr", type=positive_float, default=1e-3)
    p.add_argument("--momentum", type=unit_interval_open, default=0.9)
    p.add_argument("--batch-size", type=positive_int, default=64)
    p.add_argument("--epochs", type=positive_int, default=10)
    p.add_argument("--weight-decay", type=non_negative_float, default=0.0)
    p.add_argument("--dropout", type=unit_interval_open, default=0.0)
    p.add_argument("--data-fraction", type=fraction, default=1.0)
    p.add_argument("--sampling", choices=["random", "stratified"], default="random")
    p.add_argument("--seed", type=non_negative_int, default=0)
    p.add_argument("--threads", type=positive_int, default=1)
    p.add_argument("--max-train", type=non_negative_int, default=0)
    p.add_argument("--max-eval", type=non_negative_int, default=0)
    p.add_argument("--quiet-epochs", action="store_true")
    return p.parse_args(argv)  # argparse exits with status 2 on bad flags


def read_gz(path):
    try:
        with gzip.open(path, "rb") as f:
            return f.read()
    except (OSError, EOFError) as e:
        raise RuntimeError(f"{path}: {e}") from None


def load_idx(images_path, labels_path):
    img = read_gz(images_path)
    lab = read_gz(labels_path)
    if len(img) < 16 or struct.unpack(">I", img[:4])[0] != 0x803:
        raise RuntimeError(f"{images_path}: not an IDX image file")
    if len(lab) < 8 or struct.unpack(">I", lab[:4])[0] != 0x801:
        raise RuntimeError(f"{labels_path}: not an IDX label file")
    n, h, w = struct.unpack(">III", img[4:16])
    (m,) = struct.unpack(">I", lab[4:8])
    if len(img) != 16 + n * h * w or len(lab) != 8 + m or m != n:
        raise RuntimeError(f"{images_path}/{labels_path}: sizes do not match the headers")
    x = np.frombuffer(img, dtype=np.uint8, offset=16).reshape(n, h * w).astype(np.float32) / 255.0
    y = np.frombuffer(lab, dtype=np.uint8, offset=8).astype(np.int64)
    return x, y


def proportional_counts(sizes, total):
    sizes = np.asarray(sizes, dtype=np.float64)
    exact = total * sizes / sizes.sum()
    counts = np.floor(exact).astype(np.int64)
    order = np.argsort(-(exact - counts), kind="stable")
    for c in order[: total - counts.sum()]:
        counts[c] += 1
    return counts


def stratified_pick(y, rows, k, rng):
    """k rows of `rows`, each class keeping its share within one sample."""
    classes = np.unique(y[rows])
    by_class = [rows[y[rows] == c] for c in classes]
    counts = proportional_counts([len(b) for b in by_class], k)
    picked = [rng.permutation(b)[:n] for b, n in zip(by_class, counts)]
    return rng.permutation(np.concatenate(picked))


def load_splits(args):
    if args.dataset == "fashion-mnist":
        d = args.data_dir or DEFAULT_FASHION_DIR
        x, y = load_idx(f"{d}/train-images-idx3-ubyte.gz", f"{d}/train-labels-idx1-ubyte.gz")
        xt, yt = load_idx(f"{d}/t10k-images-idx3-ubyte.gz", f"{d}/t10k-labels-idx1-ubyte.gz")
        n_val = 10000 if len(y) >= 60000 else max(1, len(y) // 6)
        return (x[:-n_val], y[:-n_val]), (x[-n_val:], y[-n_val:]), (xt, yt)
    d = args.data_dir or DEFAULT_DIGITS_DIR
    path = f"{d}/digits.csv.gz"
    try:
        data = np.loadtxt(path, delimiter=",", dtype=np.int64)
    except (OSError, ValueError) as e:
        raise RuntimeError(f"{path}: {e}") from None
    x, y = data[:, :-1].astype(np.float32) / 16.0, data[:, -1]
    rng = np.random.RandomState(0)
    rows = np.arange(len(y))
    test = stratified_pick(y, rows, round(0.2 * len(y)), rng)
    rest = np.setdiff1d(rows, test)
    val = stratified_pick(y, rest, round(0.2 * len(y)), rng)
    train = np.setdiff1d(rest, val)
    return (x[train], y[train]), (x[val], y[val]), (x[test], y[test])


def build_model(n_in, n_out, args):
    act = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid,
           "gelu": lambda: torch.nn.GELU(approximate="tanh")}[args.activation]
    layers, width_in = [], n_in
    for _ in range(args.layers):
        layers += [torch.nn.Linear(width_in, args.width), act()]
        if args.dropout > 0:
            layers.append(torch.nn.Dropout(args.dropout))
        width_in = args.width
    layers.append(torch.nn.Linear(width_in, n_out))
    return torch.nn.Sequential(*layers)


@torch.no_grad()
def accuracy(model, x, y):
    model.eval()
    correct = 0
    for i in range(0, len(y), 4096):
        correct += (model(x[i:i + 4096]).argmax(dim=1) == y[i:i + 4096]).sum().item()
    model.train()
    return correct / max(1, len(y))


def emit(obj):
    print(json.dumps(obj), flush=True)


def main(argv):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    try:
        (xtr, ytr), (xva, yva), (xte, yte) = load_splits(args)
    except RuntimeError as e:
        print(f"torch_fashion_mnist: cannot load {args.dataset}: {e}", file=sys.stderr)
        return 1
    rng = np.random.RandomState(args.seed)
    rows = np.arange(len(ytr))
    k = min(len(rows), max(1, round(args.data_fraction * len(rows))))
    rows = stratified_pick(ytr, rows, k, rng) if args.sampling == "stratified" else rng.permutation(rows)[:k]
    if args.max_train:
        rows = rows[: args.max_train]
    if args.max_eval:
        xva, yva, xte, yte = xva[: args.max_eval], yva[: args.max_eval], xte[: args.max_eval], yte[: args.max_eval]
    xtr, ytr = torch.from_numpy(np.ascontiguousarray(xtr[rows])), torch.from_numpy(ytr[rows])
    xva, yva = torch.from_numpy(np.ascontiguousarray(xva)), torch.from_numpy(yva)
    xte, yte = torch.from_numpy(np.ascontiguousarray(xte)), torch.from_numpy(yte)
    n_classes = int(max(ytr.max(), yva.max(), yte.max())) + 1

    model = build_model(xtr.shape[1], n_classes, args)
    if args.optimizer == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum,
                              weight_decay=args.weight_decay)
    loss_fn = torch.nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(args.seed)
    train_s = eval_s = 0.0
    val_acc = 0.0
    n = len(ytr)
    for epoch in range(1, args.epochs + 1):
        t0 = time.perf_counter()
        order = torch.randperm(n, generator=gen)
        loss_sum = 0.0
        for start in range(0, n, args.batch_size):
            idx = order[start:start + args.batch_size]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(idx)
        train_s += time.perf_counter() - t0
        t1 = time.perf_counter()
        val_acc = accuracy(model, xva, yva)
        eval_s += time.perf_counter() - t1
        if not args.quiet_epochs:
            emit({"step": epoch, "accuracy": val_acc, "loss": loss_sum / n})
    t2 = time.perf_counter()
    test_acc = accuracy(model, xte, yte)
    eval_s += time.perf_counter() - t2
    emit({"accuracy": val_acc, "test_accuracy": test_acc, "train_s": train_s, "eval_s": eval_s,
          "n_params": sum(p.numel() for p in model.parameters()), "n_train": n,
          "epochs_run": args.epochs})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
