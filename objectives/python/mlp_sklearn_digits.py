#!/usr/bin/python3
"""scikit-learn's MLPClassifier on the UCI handwritten digits, speaking ecohpo's trial protocol.

One JSON line per epoch ({"step": epoch, "accuracy": val_acc, "loss": train_loss}) and a
final {"accuracy": val_acc, "test_accuracy": ..., "train_s": ..., "n_params": ...} on stdout.
Flags follow ecohpo-mlp where scikit-learn has the feature (no dropout; activation "sigmoid"
is scikit-learn's "logistic"; --weight-decay is MLPClassifier's L2 "alpha"). The split is
60/20/20 stratified with seed 0 (sklearn.model_selection.train_test_split), independent of
--seed. Digits come from sklearn.datasets.load_digits, the same file as objectives/data.

  /usr/bin/python3 objectives/python/mlp_sklearn_digits.py --layers 1 --width 64 --epochs 20
"""
import argparse
import json
import sys
import time
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier


def checked(kind, test, rule):
    def parse(text):
        v = kind(text)
        if not test(v):
            raise argparse.ArgumentTypeError(f"must be {rule}, got {text}")
        return v
    return parse


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--layers", type=checked(int, lambda v: 1 <= v <= 16, "in [1, 16]"), default=1)
    p.add_argument("--width", type=checked(int, lambda v: v >= 1, ">= 1"), default=64)
    p.add_argument("--activation", choices=["relu", "tanh", "sigmoid"], default="relu")
    p.add_argument("--optimizer", choices=["sgd", "adam"], default="adam")
    p.add_argument("--lr", type=checked(float, lambda v: v > 0, "> 0"), default=1e-3)
    p.add_argument("--momentum", type=checked(float, lambda v: 0 <= v < 1, "in [0, 1)"), default=0.9)
    p.add_argument("--batch-size", type=checked(int, lambda v: v >= 1, ">= 1"), default=64)
    p.add_argument("--epochs", type=checked(int, lambda v: v >= 1, ">= 1"), default=20)
    p.add_argument("--weight-decay", type=checked(float, lambda v: v >= 0, ">= 0"), default=0.0)
    p.add_argument("--data-fraction", type=checked(float, lambda v: 0 < v <= 1, "in (0, 1]"), default=1.0)
    p.add_argument("--sampling", choices=["random", "stratified"], default="random")
    p.add_argument("--seed", type=checked(int, lambda v: v >= 0, ">= 0"), default=0)
    p.add_argument("--quiet-epochs", action="store_true")
    return p.parse_args(argv)  # argparse exits with status 2 on bad flags


def emit(obj):
    print(json.dumps(obj), flush=True)


def main(argv):
    args = parse_args(argv)
    x, y = load_digits(return_X_y=True)
    x = x / 16.0
    x_rest, x_test, y_rest, y_test = train_test_split(x, y, test_size=0.2, stratify=y, random_state=0)
    x_train, x_val, y_train, y_val = train_test_split(x_rest, y_rest, test_size=0.25, stratify=y_rest,
                                                      random_state=0)
    if args.data_fraction < 1:
        k = max(1, round(args.data_fraction * len(y_train)))
        if args.sampling == "stratified" and k >= len(np.unique(y_train)):
            x_train, _, y_train, _ = train_test_split(x_train, y_train, train_size=k, stratify=y_train,
                                                      random_state=args.seed)
        else:
            rows = np.random.RandomState(args.seed).permutation(len(y_train))[:k]
            x_train, y_train = x_train[rows], y_train[rows]
    clf = MLPClassifier(hidden_layer_sizes=(args.width,) * args.layers,
                        activation="logistic" if args.activation == "sigmoid" else args.activation,
                        solver=args.optimizer, learning_rate_init=args.lr, momentum=args.momentum,
                        nesterovs_momentum=False, batch_size=min(args.batch_size, len(y_train)),
                        alpha=args.weight_decay, random_state=args.seed, shuffle=True)
    classes = np.arange(10)
    train_s = 0.0
    val_acc = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for epoch in range(1, args.epochs + 1):
            t0 = time.perf_counter()
            clf.partial_fit(x_train, y_train, classes=classes)
            train_s += time.perf_counter() - t0
            val_acc = float(clf.score(x_val, y_val))
            if not args.quiet_epochs:
                emit({"step": epoch, "accuracy": val_acc, "loss": float(clf.loss_)})
    n_params = sum(w.size for w in clf.coefs_) + sum(b.size for b in clf.intercepts_)
    emit({"accuracy": val_acc, "test_accuracy": float(clf.score(x_test, y_test)), "train_s": train_s,
          "n_params": int(n_params), "n_train": int(len(y_train)), "epochs_run": args.epochs})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
