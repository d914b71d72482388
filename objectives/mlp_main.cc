// ecohpo-mlp: trains an MLP classifier on the UCI digits or Fashion-MNIST and reports through
// the trial protocol (docs/trial-protocol.md): one JSON line per epoch
// {"step": epoch, "accuracy": val_acc, "loss": train_loss} and a final
// {"accuracy": val_acc, "test_accuracy": ..., "train_s": ..., "n_params": ...}.
// Flags and splits are documented in docs/objectives.md. Bad flags: exit 2, message on stderr.
#include "objectives/mlp/trainer.h"

#include "objectives/mlp/gz_cache.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

namespace {

using objectives::mlp::TrainOptions;

constexpr const char* kUsage = R"(usage: ecohpo-mlp [flags]
Trains a multilayer perceptron and prints trial-protocol JSON reports on stdout.

  --dataset digits|fashion-mnist   data set (default digits)
  --data-dir DIR                   digits: folder of digits.csv.gz (default the source tree's
                                   objectives/data); fashion-mnist: folder of the IDX .gz files
                                   (default /usr/share/datasets/fashion-mnist)
  --cache-dir DIR|none             where fashion-mnist's inflated .gz files are kept for the
                                   next trials (default $ECOHPO_CACHE_DIR, else
                                   $XDG_CACHE_HOME/ecohpo, else ~/.cache/ecohpo)
  --layers N         hidden layers, 0..16 (default 2)
  --width W          units per hidden layer (default 64)
  --activation A     relu|tanh|sigmoid|gelu (default relu)
  --optimizer O      sgd|adam (default adam)
  --lr X             learning rate (default 0.001)
  --momentum X       SGD momentum in [0, 1) (default 0.9)
  --batch-size N     mini-batch rows (default 64)
  --epochs N         training epochs (default 20)
  --weight-decay X   L2 coefficient (default 0)
  --dropout P        dropout probability on hidden units, [0, 1) (default 0)
  --data-fraction F  share of the training split used, (0, 1] (default 1)
  --sampling S       random|stratified choice of that share (default random)
  --seed N           initialization, sampling, shuffling and dropout seed (default 0)
  --threads N        oneTBB worker threads (default 1)
  --max-train N      cap on training rows (0 = none; for quick tests)
  --max-eval N       cap on validation and test rows, first N (0 = none; for quick tests)
  --quiet-epochs     print only the final report
  --help             this text

example: ecohpo-mlp --dataset digits --layers 2 --width 64 --epochs 20 --lr 0.003
)";

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <class T>
T parse_number(std::string_view flag, const std::string& text) {
  T value{};
  const char* first = text.data();
  const char* last = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(first, last, value);
  if (text.empty() || ec != std::errc() || ptr != last)
    throw UsageError("--" + std::string(flag) + ": '" + text + "' is not a valid number");
  return value;
}

struct Cli {
  TrainOptions train;
  std::string dataset = "digits";
  std::string data_dir;
  std::string cache_dir = objectives::mlp::default_cache_dir();
  std::int64_t max_eval = 0;
  bool quiet_epochs = false;
};

Cli parse_args(int argc, char** argv) {
  Cli cli;
  auto& o = cli.train;
  std::map<std::string, std::function<void(const std::string&)>> flags{
      {"dataset", [&](const std::string& v) {
         if (v != "digits" && v != "fashion-mnist")
           throw UsageError("--dataset: '" + v + "' is not one of digits, fashion-mnist");
         cli.dataset = v;
       }},
      {"data-dir", [&](const std::string& v) { cli.data_dir = v; }},
      {"cache-dir", [&](const std::string& v) {
         if (v.empty()) throw UsageError("--cache-dir: give a directory, or none");
         cli.cache_dir = v == "none" ? "" : v;
       }},
      {"layers", [&](const std::string& v) { o.layers = parse_number<int>("layers", v); }},
      {"width", [&](const std::string& v) { o.width = parse_number<int>("width", v); }},
      {"activation", [&](const std::string& v) {
         auto a = objectives::mlp::parse_activation(v);
         if (!a) throw UsageError("--activation: '" + v + "' is not one of relu, tanh, sigmoid, gelu");
         o.activation = *a;
       }},
      {"optimizer", [&](const std::string& v) {
         auto k = objectives::mlp::parse_optimizer(v);
         if (!k) throw UsageError("--optimizer: '" + v + "' is not one of sgd, adam");
         o.optimizer.kind = *k;
       }},
      {"lr", [&](const std::string& v) { o.optimizer.lr = parse_number<double>("lr", v); }},
      {"momentum", [&](const std::string& v) { o.optimizer.momentum = parse_number<double>("momentum", v); }},
      {"batch-size", [&](const std::string& v) { o.batch_size = parse_number<int>("batch-size", v); }},
      {"epochs", [&](const std::string& v) { o.epochs = parse_number<int>("epochs", v); }},
      {"weight-decay",
       [&](const std::string& v) { o.optimizer.weight_decay = parse_number<double>("weight-decay", v); }},
      {"dropout", [&](const std::string& v) { o.dropout = parse_number<double>("dropout", v); }},
      {"data-fraction", [&](const std::string& v) { o.data_fraction = parse_number<double>("data-fraction", v); }},
      {"sampling", [&](const std::string& v) {
         auto s = objectives::mlp::parse_sampling(v);
         if (!s) throw UsageError("--sampling: '" + v + "' is not one of random, stratified");
         o.sampling = *s;
       }},
      {"seed", [&](const std::string& v) { o.seed = parse_number<std::uint64_t>("seed", v); }},
      {"threads", [&](const std::string& v) { o.threads = parse_number<int>("threads", v); }},
      {"max-train", [&](const std::string& v) { o.max_train = parse_number<std::int64_t>("max-train", v); }},
      {"max-eval", [&](const std::string& v) { cli.max_eval = parse_number<std::int64_t>("max-eval", v); }},
  };
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      std::exit(0);
    }
    if (arg == "--quiet-epochs") {
      cli.quiet_epochs = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0) throw UsageError("unexpected argument '" + arg + "'");
    std::string name = arg.substr(2), value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else {
      if (i + 1 >= argc) throw UsageError("--" + name + " needs a value");
      value = argv[++i];
    }
    auto it = flags.find(name);
    if (it == flags.end()) throw UsageError("unknown flag --" + name + " (see --help)");
    it->second(value);
  }
  if (auto e = o.validate(); !e.empty()) throw UsageError(e);
  if (cli.max_eval < 0) throw UsageError("--max-eval must be >= 0 (got " + std::to_string(cli.max_eval) + ")");
  return cli;
}

void cap_rows(objectives::mlp::Dataset& d, std::int64_t cap) {
  if (cap <= 0 || d.size() <= cap) return;
  d.x.conservativeResize(cap, Eigen::NoChange);
  d.y.resize(static_cast<std::size_t>(cap));
}

void emit(const nlohmann::json& j) {
  std::cout << j.dump() << '\n' << std::flush;
}

}  // namespace

int main(int argc, char** argv) {
  Cli cli;
  try {
    cli = parse_args(argc, argv);
  } catch (const UsageError& e) {
    std::cerr << "ecohpo-mlp: " << e.what() << "\n";
    return 2;
  }
  objectives::mlp::DataSplits data;
  try {
    if (cli.dataset == "digits") {
      const std::string dir = cli.data_dir.empty() ? ECOHPO_OBJECTIVES_DATA_DIR : cli.data_dir;
      data = objectives::mlp::load_digits_splits(dir + "/digits.csv.gz");
    } else {
      const std::string dir = cli.data_dir.empty() ? "/usr/share/datasets/fashion-mnist" : cli.data_dir;
      data = objectives::mlp::load_fashion_mnist_splits(dir, cli.cache_dir);
    }
  } catch (const std::exception& e) {
    std::cerr << "ecohpo-mlp: cannot load " << cli.dataset << ": " << e.what() << "\n";
    return 1;
  }
  cap_rows(data.validation, cli.max_eval);
  cap_rows(data.test, cli.max_eval);

  auto summary = objectives::mlp::train_mlp(data, cli.train, [&](const objectives::mlp::EpochReport& r) {
    if (!cli.quiet_epochs) emit({{"step", r.epoch}, {"accuracy", r.val_accuracy}, {"loss", r.train_loss}});
  });
  nlohmann::json final_report{{"accuracy", summary.val_accuracy},
                              {"test_accuracy", summary.test_accuracy},
                              {"train_s", summary.train_s},
                              {"eval_s", summary.eval_s},
                              {"n_params", summary.n_params},
                              {"n_train", summary.n_train},
                              {"epochs_run", summary.epochs_run}};
  if (summary.diverged) final_report["diverged"] = true;
  emit(final_report);
  return 0;
}
