// First-order optimizers over a flat parameter vector: SGD with (heavy-ball) momentum
// (Polyak, 1964; Sutskever et al., 2013) and Adam (Kingma & Ba, 2015). The update rules follow
// torch.optim.SGD and torch.optim.Adam exactly, including how weight decay enters (an L2 term
// weight_decay * p added to the gradient, applied to all parameters), so that ecohpo-mlp and the
// PyTorch peer in bench/ train the same way.
//
//   Optimizer<float> opt({.kind = OptimizerKind::kAdam, .lr = 1e-3}, net.n_params());
//   opt.step(net.params(), grad);   // grad is consumed (weight decay is added in place)
#pragma once

#include <Eigen/Core>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace objectives::mlp {

enum class OptimizerKind { kSgd, kAdam };

inline std::optional<OptimizerKind> parse_optimizer(std::string_view text) {
  if (text == "sgd") return OptimizerKind::kSgd;
  if (text == "adam") return OptimizerKind::kAdam;
  return std::nullopt;
}
inline std::string_view to_string(OptimizerKind k) { return k == OptimizerKind::kSgd ? "sgd" : "adam"; }

struct OptimizerOptions {
  OptimizerKind kind = OptimizerKind::kAdam;
  double lr = 1e-3;            // step size
  double momentum = 0.9;       // SGD only; 0 = plain SGD
  double beta1 = 0.9;          // Adam first-moment decay
  double beta2 = 0.999;        // Adam second-moment decay
  double epsilon = 1e-8;       // Adam denominator guard
  double weight_decay = 0.0;   // L2 coefficient added to the gradient

  // Empty when valid, else a sentence naming the field, its value and the rule.
  std::string validate() const {
    if (!(lr > 0 && std::isfinite(lr))) return "lr must be > 0 (got " + std::to_string(lr) + ")";
    if (!(momentum >= 0 && momentum < 1)) return "momentum must be in [0, 1) (got " + std::to_string(momentum) + ")";
    if (!(beta1 >= 0 && beta1 < 1)) return "beta1 must be in [0, 1) (got " + std::to_string(beta1) + ")";
    if (!(beta2 >= 0 && beta2 < 1)) return "beta2 must be in [0, 1) (got " + std::to_string(beta2) + ")";
    if (!(epsilon > 0)) return "epsilon must be > 0 (got " + std::to_string(epsilon) + ")";
    if (!(weight_decay >= 0 && std::isfinite(weight_decay)))
      return "weight_decay must be >= 0 (got " + std::to_string(weight_decay) + ")";
    return {};
  }
};

template <class S>
class Optimizer {
 public:
  using Vec = Eigen::Matrix<S, Eigen::Dynamic, 1>;

  Optimizer(const OptimizerOptions& options, Eigen::Index n_params) : options_(options) {
    m_.setZero(n_params);
    if (options.kind == OptimizerKind::kAdam) v_.setZero(n_params);
  }

  std::int64_t steps() const { return t_; }

  // One update of params from grad (same length); grad is modified.
  void step(Vec& params, Vec& grad) {
    ++t_;
    const S lr = static_cast<S>(options_.lr);
    if (options_.weight_decay > 0) grad += static_cast<S>(options_.weight_decay) * params;
    if (options_.kind == OptimizerKind::kSgd) {
      if (options_.momentum > 0) {
        m_ = static_cast<S>(options_.momentum) * m_ + grad;
        params -= lr * m_;
      } else {
        params -= lr * grad;
      }
      return;
    }
    const S b1 = static_cast<S>(options_.beta1), b2 = static_cast<S>(options_.beta2);
    m_ = b1 * m_ + (S(1) - b1) * grad;
    v_ = b2 * v_ + (S(1) - b2) * grad.cwiseAbs2();
    const S bc1 = S(1) - static_cast<S>(std::pow(options_.beta1, static_cast<double>(t_)));
    const S bc2 = S(1) - static_cast<S>(std::pow(options_.beta2, static_cast<double>(t_)));
    const S eps = static_cast<S>(options_.epsilon);
    params.array() -= (lr / bc1) * m_.array() / (v_.array().sqrt() / std::sqrt(bc2) + eps);
  }

 private:
  OptimizerOptions options_;
  Vec m_, v_;  // momentum buffer / Adam moments
  std::int64_t t_ = 0;
};

}  // namespace objectives::mlp
