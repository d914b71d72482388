# The studies of the stopping benchmarks, sourced by bench/stopping_bench.sh,
# bench/stopping_ml_bench.sh and bench/stopping_replay.sh so they measure the same thing. Each function prints the
# `command:` and `space:` of a study YAML for the binaries under BUILD ($1).

# ecohpo-mlp on the UCI digits, the search space of experiments/random-vs-bayes.yaml
# (epochs 2-30, so learning curves are long enough to prune).
digits_command_and_space() {
  cat <<YAML
command: ["$1/objectives/ecohpo-mlp", --dataset, digits, --layers, "{layers}", --width, "{width}",
          --activation, "{activation}", --optimizer, adam, --lr, "{lr}",
          --batch-size, "{batch_size}", --epochs, "{epochs}", --seed, 0]
space:
  layers: {type: int, low: 1, high: 3}
  width: {type: int, low: 16, high: 256, log: true}
  activation: [relu, tanh]
  lr: {type: float, low: 1.0e-4, high: 0.03, log: true}
  batch_size: [32, 64, 128, 256]
  epochs: {type: int, low: 2, high: 30, log: true}
YAML
}

# The test objective with 10 intermediate reports (bench/stopping_bench.sh).
testobj_command_and_space() {
  cat <<YAML
command: ["$1/objectives/ecohpo-testobj", "--steps", "10", "--curve", "exp:0.3:{end}:{rate}", "--burn-s", "{burn}"]
space:
  end:  {type: float, low: 0.5, high: 0.95}
  rate: {type: float, low: 0.05, high: 1.5, log: true}
  burn: {type: float, low: 0.05, high: 0.4, log: true}
YAML
}
