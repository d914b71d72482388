#include "objectives/mlp/trainer.h"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>

namespace objectives::mlp {
namespace {

using Clock = std::chrono::steady_clock;
using Net = Mlp<float>;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Independent generator for one purpose (`stream`) of a trial seed.
std::mt19937_64 derive_rng(std::uint64_t seed, std::uint32_t stream) {
  std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32), stream};
  return std::mt19937_64(seq);
}

// Rows per slice below which splitting a batch across threads costs more than it saves.
constexpr Eigen::Index kMinSliceRows = 16;
constexpr Eigen::Index kEvalChunkRows = 512;

std::int64_t correct_in_arena(const Net& net, const Dataset& data) {
  const Eigen::Index n = data.x.rows();
  if (n == 0) return 0;
  const Eigen::Index chunks = (n + kEvalChunkRows - 1) / kEvalChunkRows;
  std::vector<std::int64_t> correct(static_cast<std::size_t>(chunks), 0);
  tbb::enumerable_thread_specific<Net::Workspace> workspaces;
  tbb::parallel_for(tbb::blocked_range<Eigen::Index>(0, chunks), [&](const auto& range) {
    auto& ws = workspaces.local();
    for (Eigen::Index c = range.begin(); c != range.end(); ++c) {
      const Eigen::Index r0 = c * kEvalChunkRows, rows = std::min(kEvalChunkRows, n - r0);
      correct[static_cast<std::size_t>(c)] =
          net.count_correct(data.x.middleRows(r0, rows), data.y.data() + r0, ws);
    }
  });
  return std::accumulate(correct.begin(), correct.end(), std::int64_t{0});
}

double accuracy_in_arena(const Net& net, const Dataset& data) {
  return data.size() == 0 ? 0.0
                          : static_cast<double>(correct_in_arena(net, data)) / static_cast<double>(data.size());
}

std::string range_error(const char* flag, double value, const char* rule) {
  std::string v = std::to_string(value);
  return std::string("--") + flag + " must be " + rule + " (got " + v + ")";
}

}  // namespace

std::string TrainOptions::validate() const {
  if (layers < 0 || layers > 16) return range_error("layers", layers, "in [0, 16]");
  if (width < 1 || width > 8192) return range_error("width", width, "in [1, 8192]");
  if (batch_size < 1 || batch_size > 65536) return range_error("batch-size", batch_size, "in [1, 65536]");
  if (epochs < 1 || epochs > 100000) return range_error("epochs", epochs, "in [1, 100000]");
  if (!(dropout >= 0 && dropout < 1)) return range_error("dropout", dropout, "in [0, 1)");
  if (!(data_fraction > 0 && data_fraction <= 1)) return range_error("data-fraction", data_fraction, "in (0, 1]");
  if (threads < 1 || threads > 1024) return range_error("threads", threads, "in [1, 1024]");
  if (max_train < 0) return range_error("max-train", static_cast<double>(max_train), ">= 0 (0 = no cap)");
  if (auto e = optimizer.validate(); !e.empty()) {
    // OptimizerOptions names fields; map to the flag spelling.
    if (e.rfind("weight_decay", 0) == 0) return "--weight-decay" + e.substr(12);
    return "--" + e;
  }
  return {};
}

DataSplits load_digits_splits(const std::string& csv_gz_path) {
  Dataset all = load_digits_csv_gz(csv_gz_path);
  const Split s = stratified_split(all.y, 0.2, 0.2, /*seed=*/0);
  return {subset(all, s.train), subset(all, s.validation), subset(all, s.test)};
}

DataSplits load_fashion_mnist_splits(const std::string& dir, const std::string& cache_dir) {
  Dataset train = load_idx_gz(dir + "/train-images-idx3-ubyte.gz", dir + "/train-labels-idx1-ubyte.gz",
                              cache_dir);
  Dataset test = load_idx_gz(dir + "/t10k-images-idx3-ubyte.gz", dir + "/t10k-labels-idx1-ubyte.gz",
                             cache_dir);
  const std::int64_t n = train.size();
  const std::int64_t n_val = n >= 60000 ? 10000 : std::max<std::int64_t>(1, n / 6);
  std::vector<std::int64_t> tail(static_cast<std::size_t>(n_val));
  std::iota(tail.begin(), tail.end(), n - n_val);
  Dataset validation = subset(train, tail);
  // The training rows are the head: cut the matrix in place (row-major, so the head is one
  // block; a shrinking realloc keeps it) instead of copying 157 MB.
  train.x.conservativeResize(n - n_val, Eigen::NoChange);
  train.y.resize(static_cast<std::size_t>(n - n_val));
  DataSplits out{std::move(train), std::move(validation), std::move(test)};
  const int classes = std::max({out.train.n_classes, out.validation.n_classes, out.test.n_classes});
  out.train.n_classes = out.validation.n_classes = out.test.n_classes = classes;
  return out;
}

double evaluate_accuracy(const Mlp<float>& net, const Dataset& data, int threads) {
  tbb::task_arena arena(std::max(1, threads));
  return arena.execute([&] { return accuracy_in_arena(net, data); });
}

TrainSummary train_mlp(const DataSplits& data, const TrainOptions& o,
                       const std::function<void(const EpochReport&)>& on_epoch) {
  if (auto e = o.validate(); !e.empty()) throw std::invalid_argument(e);
  if (data.train.size() == 0) throw std::invalid_argument("train_mlp: empty training set");
  const int n_classes = std::max({data.train.n_classes, data.validation.n_classes, data.test.n_classes, 2});

  std::vector<std::int64_t> all_rows(static_cast<std::size_t>(data.train.size()));
  std::iota(all_rows.begin(), all_rows.end(), 0);
  const auto fraction_rng_seed = derive_rng(o.seed, 1)();
  std::vector<std::int64_t> rows =
      sample_fraction(data.train.y, all_rows, o.data_fraction, o.sampling, fraction_rng_seed);
  if (o.max_train > 0 && static_cast<std::int64_t>(rows.size()) > o.max_train)
    rows.resize(static_cast<std::size_t>(o.max_train));
  const Dataset train = subset(data.train, rows);
  const Eigen::Index n = train.x.rows(), n_features = train.x.cols();

  Net net({.n_inputs = static_cast<int>(n_features), .n_hidden = o.layers, .width = o.width,
           .n_outputs = n_classes, .activation = o.activation});
  auto init_rng = derive_rng(o.seed, 2);
  net.init(init_rng);
  Optimizer<float> opt(o.optimizer, net.n_params());
  auto rng = derive_rng(o.seed, 3);  // shuffling and dropout

  tbb::task_arena arena(o.threads);
  // No more slices than threads, and none smaller than kMinSliceRows rows.
  const auto max_slices = static_cast<std::size_t>(
      std::clamp<Eigen::Index>(o.batch_size / kMinSliceRows, 1, static_cast<Eigen::Index>(o.threads)));
  std::vector<Net::Workspace> workspaces(max_slices);
  std::vector<Net::Vec> grads(max_slices, Net::Vec::Zero(net.n_params()));
  std::vector<float> slice_loss(max_slices);
  std::vector<std::vector<MatrixF>> slice_masks(max_slices);
  std::vector<MatrixF> masks(static_cast<std::size_t>(o.dropout > 0 ? o.layers : 0));
  const float keep_scale = static_cast<float>(1.0 / (1.0 - o.dropout));
  const float drop_p = static_cast<float>(o.dropout);

  MatrixF batch;
  std::vector<int> batch_y;
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);

  TrainSummary summary;
  summary.n_params = net.n_params();
  summary.n_train = n;
  double val_accuracy = 0;
  for (int epoch = 1; epoch <= o.epochs && !summary.diverged; ++epoch) {
    const auto t0 = Clock::now();
    std::shuffle(order.begin(), order.end(), rng);
    double loss_sum = 0;
    for (Eigen::Index start = 0; start < n; start += o.batch_size) {
      const Eigen::Index rows_now = std::min<Eigen::Index>(o.batch_size, n - start);
      if (batch.rows() != rows_now) batch.resize(rows_now, n_features);
      batch_y.resize(static_cast<std::size_t>(rows_now));
      for (Eigen::Index r = 0; r < rows_now; ++r) {
        const auto src = order[static_cast<std::size_t>(start + r)];
        batch.row(r) = train.x.row(src);
        batch_y[static_cast<std::size_t>(r)] = train.y[static_cast<std::size_t>(src)];
      }
      for (auto& m : masks) {
        m.resize(rows_now, o.width);
        for (Eigen::Index i = 0; i < m.size(); ++i) {
          const float u = static_cast<float>(rng() >> 40) * (1.0f / 16777216.0f);
          m.data()[i] = u < drop_p ? 0.0f : keep_scale;
        }
      }
      const float scale = 1.0f / static_cast<float>(rows_now);
      const auto slices = static_cast<std::size_t>(
          std::clamp<Eigen::Index>(rows_now / kMinSliceRows, 1, static_cast<Eigen::Index>(max_slices)));
      auto run_slice = [&](std::size_t s) {
        const Eigen::Index r0 = rows_now * static_cast<Eigen::Index>(s) / static_cast<Eigen::Index>(slices);
        const Eigen::Index r1 = rows_now * static_cast<Eigen::Index>(s + 1) / static_cast<Eigen::Index>(slices);
        const std::vector<MatrixF>* slice_mask = nullptr;
        if (!masks.empty()) {
          if (slices == 1) {
            slice_mask = &masks;
          } else {
            auto& sm = slice_masks[s];
            sm.resize(masks.size());
            for (std::size_t l = 0; l < masks.size(); ++l) sm[l] = masks[l].middleRows(r0, r1 - r0);
            slice_mask = &sm;
          }
        }
        grads[s].setZero();
        slice_loss[s] = net.loss_and_gradient(batch.middleRows(r0, r1 - r0), batch_y.data() + r0,
                                              slice_mask, scale, workspaces[s], grads[s]);
      };
      if (slices == 1) {
        run_slice(0);
      } else {
        arena.execute([&] {
          tbb::parallel_for(std::size_t{0}, slices, [&](std::size_t s) { run_slice(s); });
        });
        for (std::size_t s = 1; s < slices; ++s) grads[0] += grads[s];
      }
      double batch_loss = 0;
      for (std::size_t s = 0; s < slices; ++s) batch_loss += slice_loss[s];
      if (!std::isfinite(batch_loss) || !grads[0].allFinite()) {
        summary.diverged = true;
        break;
      }
      loss_sum += batch_loss;
      opt.step(net.params(), grads[0]);
    }
    summary.train_s += seconds_since(t0);
    if (summary.diverged) break;
    const auto t1 = Clock::now();
    val_accuracy = arena.execute([&] { return accuracy_in_arena(net, data.validation); });
    summary.eval_s += seconds_since(t1);
    summary.epochs_run = epoch;
    if (on_epoch) on_epoch({epoch, val_accuracy, loss_sum / static_cast<double>(n)});
  }
  const auto t2 = Clock::now();
  if (summary.diverged) val_accuracy = arena.execute([&] { return accuracy_in_arena(net, data.validation); });
  summary.val_accuracy = val_accuracy;
  summary.test_accuracy = arena.execute([&] { return accuracy_in_arena(net, data.test); });
  summary.eval_s += seconds_since(t2);
  return summary;
}

}  // namespace objectives::mlp
