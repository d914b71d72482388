// The MLP's backward pass against finite differences (double precision instance of the same
// template the trainer uses as float), and the optimizers' update rules on a quadratic.
#include "objectives/mlp/network.h"
#include "objectives/mlp/optimizer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <ostream>
#include <random>
#include <vector>

namespace objectives::mlp {
namespace {

using NetD = Mlp<double>;

struct Case {
  Activation activation;
  int hidden;
  bool dropout;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << to_string(c.activation) << " hidden=" << c.hidden << (c.dropout ? " dropout" : "");
}

class GradientCheck : public ::testing::TestWithParam<Case> {};

TEST_P(GradientCheck, MatchesCentralDifferences) {
  const Case c = GetParam();
  NetD net({.n_inputs = 5, .n_hidden = c.hidden, .width = 4, .n_outputs = 3, .activation = c.activation});
  std::mt19937_64 rng(3);
  net.init(rng);
  // Non-zero biases so every parameter matters.
  std::normal_distribution<double> normal(0.0, 0.3);
  for (Eigen::Index i = 0; i < net.n_params(); ++i) net.params()[i] += normal(rng);
  NetD::Mat x(6, 5);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = normal(rng) * 3;
  const std::vector<int> labels{0, 2, 1, 1, 0, 2};
  std::vector<NetD::Mat> masks;
  if (c.dropout) {
    for (int l = 0; l < c.hidden; ++l) {
      NetD::Mat m(6, 4);
      for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = (rng() % 3 == 0) ? 0.0 : 1.5;
      masks.push_back(m);
    }
  }
  const auto* mp = c.dropout ? &masks : nullptr;
  NetD::Workspace ws;
  NetD::Vec grad = NetD::Vec::Zero(net.n_params());
  const double scale = 1.0 / 6.0;
  const double loss = net.loss_and_gradient(x, labels.data(), mp, scale, ws, grad);
  EXPECT_GT(loss, 0.0);
  const double h = 1e-6;
  NetD::Vec scratch = NetD::Vec::Zero(net.n_params());
  double max_err = 0;
  for (Eigen::Index i = 0; i < net.n_params(); ++i) {
    const double saved = net.params()[i];
    net.params()[i] = saved + h;
    const double up = net.loss_and_gradient(x, labels.data(), mp, scale, ws, scratch);
    net.params()[i] = saved - h;
    const double down = net.loss_and_gradient(x, labels.data(), mp, scale, ws, scratch);
    net.params()[i] = saved;
    const double numeric = (up - down) / (2 * h) * scale;
    max_err = std::max(max_err, std::abs(numeric - grad[i]) / std::max(1.0, std::abs(numeric)));
  }
  EXPECT_LT(max_err, 1e-6) << to_string(c.activation) << " hidden=" << c.hidden;
  // Gradients accumulate: a second call adds the same amount again.
  NetD::Vec twice = grad;
  (void)net.loss_and_gradient(x, labels.data(), mp, scale, ws, twice);
  EXPECT_NEAR((twice - 2 * grad).norm(), 0.0, 1e-12);
}

INSTANTIATE_TEST_SUITE_P(AllActivations, GradientCheck,
                         ::testing::Values(Case{Activation::kRelu, 2, false}, Case{Activation::kTanh, 2, false},
                                           Case{Activation::kSigmoid, 1, false}, Case{Activation::kGelu, 2, false},
                                           Case{Activation::kRelu, 0, false}, Case{Activation::kTanh, 3, true},
                                           Case{Activation::kGelu, 1, true}));

TEST(Mlp, SlicesOfABatchAddUpToTheWholeBatchGradient) {
  Mlp<float> net({.n_inputs = 8, .n_hidden = 2, .width = 16, .n_outputs = 4});
  std::mt19937_64 rng(1);
  net.init(rng);
  Mlp<float>::Mat x = Mlp<float>::Mat::Random(10, 8);
  std::vector<int> labels{0, 1, 2, 3, 0, 1, 2, 3, 0, 1};
  Mlp<float>::Workspace ws;
  Mlp<float>::Vec whole = Mlp<float>::Vec::Zero(net.n_params()), parts = whole;
  const float l_whole = net.loss_and_gradient(x, labels.data(), nullptr, 0.1f, ws, whole);
  const float l_a = net.loss_and_gradient(x.topRows(4), labels.data(), nullptr, 0.1f, ws, parts);
  const float l_b = net.loss_and_gradient(x.bottomRows(6), labels.data() + 4, nullptr, 0.1f, ws, parts);
  EXPECT_NEAR(l_whole, l_a + l_b, 1e-4);
  EXPECT_LT((whole - parts).cwiseAbs().maxCoeff(), 1e-5f);
}

TEST(Mlp, ParameterCountAndPrediction) {
  Mlp<float> net({.n_inputs = 64, .n_hidden = 2, .width = 64, .n_outputs = 10});
  EXPECT_EQ(net.n_params(), 64 * 64 + 64 + 64 * 64 + 64 + 64 * 10 + 10);
  // With all weights zero and one output bias largest, every row predicts that class.
  net.params().setZero();
  net.params()[net.n_params() - 10 + 7] = 1.0f;
  Mlp<float>::Mat x = Mlp<float>::Mat::Random(5, 64);
  std::vector<int> labels{7, 7, 1, 7, 0};
  Mlp<float>::Workspace ws;
  EXPECT_EQ(net.count_correct(x, labels.data(), ws), 3);
  EXPECT_THROW(Mlp<float>({.n_inputs = 0}), std::invalid_argument);
}

// f(p) = 0.5 * sum a_i p_i^2, gradient a_i p_i, minimum at 0.
Eigen::VectorXd quadratic_grad(const Eigen::VectorXd& a, const Eigen::VectorXd& p) { return a.cwiseProduct(p); }

TEST(Optimizer, SgdWithMomentumFollowsTheHeavyBallRule) {
  const Eigen::VectorXd a = Eigen::Vector2d(1.0, 4.0);
  Eigen::VectorXd p = Eigen::Vector2d(1.0, -1.0);
  Optimizer<double> opt({.kind = OptimizerKind::kSgd, .lr = 0.1, .momentum = 0.5}, 2);
  Eigen::VectorXd g = quadratic_grad(a, p);  // (1, -4)
  opt.step(p, g);                             // v = (1, -4); p = (0.9, -0.6)
  EXPECT_NEAR(p[0], 0.9, 1e-15);
  EXPECT_NEAR(p[1], -0.6, 1e-15);
  g = quadratic_grad(a, p);                   // (0.9, -2.4); v = (1.4, -4.4); p = (0.76, -0.16)
  opt.step(p, g);
  EXPECT_NEAR(p[0], 0.76, 1e-15);
  EXPECT_NEAR(p[1], -0.16, 1e-15);
  for (int i = 0; i < 300; ++i) {
    g = quadratic_grad(a, p);
    opt.step(p, g);
  }
  EXPECT_LT(p.norm(), 1e-8);
}

TEST(Optimizer, PlainSgdAndWeightDecay) {
  const Eigen::VectorXd a = Eigen::Vector2d(2.0, 2.0);
  Eigen::VectorXd p = Eigen::Vector2d(1.0, 2.0);
  Optimizer<double> opt({.kind = OptimizerKind::kSgd, .lr = 0.25, .momentum = 0.0, .weight_decay = 1.0}, 2);
  Eigen::VectorXd g = quadratic_grad(a, p);  // (2, 4) + decay (1, 2) = (3, 6)
  opt.step(p, g);
  EXPECT_NEAR(p[0], 0.25, 1e-15);
  EXPECT_NEAR(p[1], 0.5, 1e-15);
}

TEST(Optimizer, AdamFirstStepIsLrTimesSignAndConverges) {
  const Eigen::VectorXd a = Eigen::Vector3d(1.0, 100.0, 0.01);
  Eigen::VectorXd p = Eigen::Vector3d(1.0, -1.0, 2.0);
  Optimizer<double> opt({.kind = OptimizerKind::kAdam, .lr = 0.01}, 3);
  Eigen::VectorXd g = quadratic_grad(a, p);
  opt.step(p, g);
  // Bias-corrected first step: m_hat = g, v_hat = g^2, so the step is lr * g / (|g| + eps).
  EXPECT_NEAR(p[0], 1.0 - 0.01, 1e-9);
  EXPECT_NEAR(p[1], -1.0 + 0.01, 1e-9);
  EXPECT_NEAR(p[2], 2.0 - 0.01, 1e-6);
  EXPECT_EQ(opt.steps(), 1);
  // Second step by hand for coordinate 0.
  const double g0 = 1.0, g1 = p[0];
  const double m = 0.9 * 0.1 * g0 + 0.1 * g1, v = 0.999 * 0.001 * g0 * g0 + 0.001 * g1 * g1;
  const double expected = p[0] - 0.01 / (1 - 0.81) * m / (std::sqrt(v) / std::sqrt(1 - 0.998001) + 1e-8);
  g = quadratic_grad(a, p);
  opt.step(p, g);
  EXPECT_NEAR(p[0], expected, 1e-12);
  Optimizer<double> fast({.kind = OptimizerKind::kAdam, .lr = 0.05}, 3);
  p = Eigen::Vector3d(1.0, -1.0, 2.0);
  for (int i = 0; i < 5000; ++i) {
    g = quadratic_grad(a, p);
    fast.step(p, g);
  }
  EXPECT_LT(p.cwiseAbs().maxCoeff(), 1e-2);
}

TEST(Optimizer, OptionsValidation) {
  EXPECT_EQ(OptimizerOptions{}.validate(), "");
  EXPECT_NE(OptimizerOptions{.lr = 0}.validate().find("lr"), std::string::npos);
  EXPECT_NE(OptimizerOptions{.momentum = 1.0}.validate().find("momentum"), std::string::npos);
  EXPECT_NE(OptimizerOptions{.weight_decay = -1}.validate().find("weight_decay"), std::string::npos);
  EXPECT_EQ(parse_optimizer("adam"), OptimizerKind::kAdam);
  EXPECT_EQ(parse_optimizer("rmsprop"), std::nullopt);
}

}  // namespace
}  // namespace objectives::mlp
