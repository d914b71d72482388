// Mini-batch training of the MLP classifier with per-epoch validation: the loop behind
// ecohpo-mlp. Each epoch shuffles the (optionally subsampled) training rows, runs mini-batch
// steps, and reports validation accuracy and mean training loss through a callback, which the
// executable turns into the trial protocol's intermediate reports. Work is split with oneTBB
// inside an arena of `threads` workers: each mini-batch is cut into row slices whose gradients
// are computed in parallel and added in slice order (deterministic for a given thread count),
// and evaluation runs over row chunks in parallel. Dropout masks are drawn sequentially from
// the seeded generator, so the thread count never changes the random stream.
//
//   TrainOptions o; o.layers = 2; o.width = 64; o.epochs = 20;
//   TrainSummary s = train_mlp(load_digits_splits("objectives/data/digits.csv.gz"), o,
//                              [](const EpochReport& r) { /* report */ });
#pragma once

#include "objectives/mlp/activation.h"
#include "objectives/mlp/dataset.h"
#include "objectives/mlp/network.h"
#include "objectives/mlp/optimizer.h"
#include "objectives/mlp/split.h"

#include <cstdint>
#include <functional>
#include <string>

namespace objectives::mlp {

struct DataSplits {
  Dataset train, validation, test;
};

struct TrainOptions {
  int layers = 2;                 // hidden layers (0..16)
  int width = 64;                 // units per hidden layer (1..8192)
  Activation activation = Activation::kRelu;
  OptimizerOptions optimizer;     // kind, lr, momentum, weight_decay
  int batch_size = 64;            // rows per step (1..65536)
  int epochs = 20;                // passes over the training rows (1..100000)
  double dropout = 0.0;           // drop probability on hidden units, [0, 1)
  double data_fraction = 1.0;     // share of the training split used, (0, 1]
  Sampling sampling = Sampling::kRandom;
  std::uint64_t seed = 0;         // init, data fraction, shuffling and dropout
  int threads = 1;                // oneTBB arena size (1 keeps parallel trials from oversubscribing)
  std::int64_t max_train = 0;     // cap on training rows after sampling; 0 = none

  // Empty when valid, else a sentence naming the flag, its value and the rule.
  std::string validate() const;
};

struct EpochReport {
  int epoch = 0;               // 1-based
  double val_accuracy = 0;
  double train_loss = 0;       // mean cross-entropy over the epoch's training rows
};

struct TrainSummary {
  double val_accuracy = 0;
  double test_accuracy = 0;
  double train_s = 0;          // wall seconds in training steps (no evaluation)
  double eval_s = 0;           // wall seconds spent evaluating (per epoch and final)
  std::int64_t n_params = 0;
  std::int64_t n_train = 0;    // training rows actually used
  int epochs_run = 0;
  bool diverged = false;       // training loss became non-finite; training stopped early
};

// Fixed splits: digits 60/20/20 stratified with split seed 0 (independent of the trial seed);
// Fashion-MNIST: the first 50,000 training images train, the last 10,000 validate, the official
// 10,000 test images test, the IDX files inflated through the cache in `cache_dir`
// (gz_cache.h; "" for none). Throw std::runtime_error naming the file on a load failure.
DataSplits load_digits_splits(const std::string& csv_gz_path);
DataSplits load_fashion_mnist_splits(const std::string& dir, const std::string& cache_dir = "");

// Fraction of rows of data whose predicted class equals the label, using `threads` workers.
double evaluate_accuracy(const Mlp<float>& net, const Dataset& data, int threads);

// Trains on data.train (after data_fraction sampling and max_train) and scores validation each
// epoch and validation + test at the end. Options must be valid (throws otherwise).
TrainSummary train_mlp(const DataSplits& data, const TrainOptions& options,
                       const std::function<void(const EpochReport&)>& on_epoch = {});

}  // namespace objectives::mlp
