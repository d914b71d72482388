// A fully connected multilayer perceptron classifier with softmax cross-entropy loss, its
// forward pass and its hand-written backward pass (backpropagation, Rumelhart, Hinton &
// Williams, 1986), with inverted dropout (Srivastava et al., 2014) on hidden layers.
//
// All parameters live in one flat vector (per layer: the in x out weight matrix row-major, then
// the out biases), so optimizers and gradient checks work on plain vectors and the per-layer
// matrices are Eigen::Maps into it. Templated on the scalar: the trainer uses float, the
// finite-difference gradient test uses double. Batches are row-major (one sample per row), so a
// slice of a batch is a block of rows and can be processed on its own thread (the gradients of
// slices simply add up).
//
//   Mlp<float> net({.n_inputs = 64, .n_hidden = 2, .width = 64, .n_outputs = 10});
//   net.init(rng);
//   Mlp<float>::Workspace ws;
//   grad.setZero(net.n_params());
//   float loss_sum = net.loss_and_gradient(batch, labels, nullptr, 1.0f / rows, ws, grad);
#pragma once

#include "objectives/mlp/activation.h"

#include <Eigen/Core>

#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace objectives::mlp {

struct MlpShape {
  int n_inputs = 0;
  int n_hidden = 1;   // hidden layers (0 = softmax regression)
  int width = 64;     // units per hidden layer
  int n_outputs = 10; // classes
  Activation activation = Activation::kRelu;
};

template <class S>
class Mlp {
 public:
  using Mat = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using Vec = Eigen::Matrix<S, Eigen::Dynamic, 1>;
  using ConstMatRef = Eigen::Ref<const Mat>;
  using RowVec = Eigen::Matrix<S, 1, Eigen::Dynamic>;

  // Buffers reused between calls (one per thread): activations of the last batch.
  struct Workspace {
    std::vector<Mat> z, h, dropped;  // pre-activation, activation, activation after dropout
    Mat delta, delta_prev;
  };

  explicit Mlp(const MlpShape& shape) : shape_(shape) {
    if (shape.n_inputs < 1 || shape.n_hidden < 0 || shape.width < 1 || shape.n_outputs < 2)
      throw std::invalid_argument("Mlp: need n_inputs >= 1, n_hidden >= 0, width >= 1, n_outputs >= 2");
    Eigen::Index offset = 0;
    for (int l = 0; l <= shape.n_hidden; ++l) {
      const int in = l == 0 ? shape.n_inputs : shape.width;
      const int out = l == shape.n_hidden ? shape.n_outputs : shape.width;
      layers_.push_back({in, out, offset});
      offset += static_cast<Eigen::Index>(in) * out + out;
    }
    params_.setZero(offset);
  }

  const MlpShape& shape() const { return shape_; }
  Eigen::Index n_params() const { return params_.size(); }
  int n_layers() const { return static_cast<int>(layers_.size()); }  // weight layers
  Vec& params() { return params_; }
  const Vec& params() const { return params_; }

  // Weights uniform in +-sqrt(6 / fan_in) for relu and gelu (He et al., 2015) and
  // +-sqrt(6 / (fan_in + fan_out)) for tanh, sigmoid and the output layer (Glorot & Bengio,
  // 2010); biases zero.
  void init(std::mt19937_64& rng) {
    params_.setZero();
    for (int l = 0; l < n_layers(); ++l) {
      const auto& L = layers_[static_cast<std::size_t>(l)];
      const bool he = l + 1 < n_layers() &&
                      (shape_.activation == Activation::kRelu || shape_.activation == Activation::kGelu);
      const double bound = he ? std::sqrt(6.0 / L.in) : std::sqrt(6.0 / (L.in + L.out));
      std::uniform_real_distribution<double> u(-bound, bound);
      S* w = params_.data() + L.offset;
      for (Eigen::Index i = 0; i < static_cast<Eigen::Index>(L.in) * L.out; ++i) w[i] = static_cast<S>(u(rng));
    }
  }

  // Logits of every row of x.
  void logits(const ConstMatRef& x, Workspace& ws, Mat& out) const {
    forward(x, nullptr, ws);
    out = ws.z.back();
  }

  // Number of rows of x whose arg-max logit equals the label.
  std::int64_t count_correct(const ConstMatRef& x, const int* labels, Workspace& ws) const {
    forward(x, nullptr, ws);
    const Mat& z = ws.z.back();
    std::int64_t correct = 0;
    for (Eigen::Index r = 0; r < z.rows(); ++r) {
      Eigen::Index best = 0;
      z.row(r).maxCoeff(&best);
      correct += best == labels[r] ? 1 : 0;
    }
    return correct;
  }

  // Sum over the rows of x of the cross-entropy loss; adds grad_scale * d(sum)/d(params) to
  // grad (which must have n_params() entries). masks: nullptr for no dropout, else one matrix
  // per hidden layer (rows x width) with entries 0 or 1 / (1 - p), multiplied into the
  // activations.
  S loss_and_gradient(const ConstMatRef& x, const int* labels, const std::vector<Mat>* masks,
                      S grad_scale, Workspace& ws, Vec& grad) const {
    forward(x, masks, ws);
    const Mat& z = ws.z.back();
    const Eigen::Index rows = x.rows();
    ws.delta.resize(rows, shape_.n_outputs);
    S loss = 0;
    for (Eigen::Index r = 0; r < rows; ++r) {
      const S m = z.row(r).maxCoeff();
      auto e = (z.row(r).array() - m).exp();
      const S sum = e.sum();
      loss += std::log(sum) + m - z(r, labels[r]);
      ws.delta.row(r) = (e / sum).matrix() * grad_scale;
      ws.delta(r, labels[r]) -= grad_scale;
    }
    for (int l = n_layers() - 1; l >= 0; --l) {
      const auto& L = layers_[static_cast<std::size_t>(l)];
      Eigen::Map<Mat> gw(grad.data() + L.offset, L.in, L.out);
      Eigen::Map<RowVec> gb(grad.data() + L.offset + static_cast<Eigen::Index>(L.in) * L.out, L.out);
      if (l == 0) {
        gw.noalias() += x.transpose() * ws.delta;
      } else {
        gw.noalias() += input_of(l, masks, ws).transpose() * ws.delta;
      }
      gb.noalias() += ws.delta.colwise().sum();
      if (l == 0) break;
      ws.delta_prev.noalias() = ws.delta * weight(l).transpose();
      if (masks) ws.delta_prev.array() *= (*masks)[static_cast<std::size_t>(l - 1)].array();
      multiply_by_derivative(shape_.activation, ws.z[static_cast<std::size_t>(l - 1)],
                             ws.h[static_cast<std::size_t>(l - 1)], ws.delta_prev);
      ws.delta.swap(ws.delta_prev);
    }
    return loss;
  }

 private:
  struct LayerLayout {
    int in, out;
    Eigen::Index offset;
  };

  Eigen::Map<const Mat> weight(int l) const {
    const auto& L = layers_[static_cast<std::size_t>(l)];
    return Eigen::Map<const Mat>(params_.data() + L.offset, L.in, L.out);
  }
  Eigen::Map<const RowVec> bias(int l) const {
    const auto& L = layers_[static_cast<std::size_t>(l)];
    return Eigen::Map<const RowVec>(params_.data() + L.offset + static_cast<Eigen::Index>(L.in) * L.out, L.out);
  }
  // The input of weight layer l >= 1: the previous hidden layer's (dropped-out) activation.
  const Mat& input_of(int l, const std::vector<Mat>* masks, const Workspace& ws) const {
    return masks ? ws.dropped[static_cast<std::size_t>(l - 1)] : ws.h[static_cast<std::size_t>(l - 1)];
  }

  void forward(const ConstMatRef& x, const std::vector<Mat>* masks, Workspace& ws) const {
    const auto n = static_cast<std::size_t>(n_layers());
    ws.z.resize(n);
    ws.h.resize(n - 1);
    ws.dropped.resize(masks ? n - 1 : 0);
    for (int l = 0; l < n_layers(); ++l) {
      Mat& z = ws.z[static_cast<std::size_t>(l)];
      if (l == 0) {
        z.noalias() = x * weight(0);
      } else {
        z.noalias() = input_of(l, masks, ws) * weight(l);
      }
      z.rowwise() += bias(l);
      if (l + 1 == n_layers()) break;
      Mat& h = ws.h[static_cast<std::size_t>(l)];
      apply_activation(shape_.activation, z, h);
      if (masks) {
        const Mat& m = (*masks)[static_cast<std::size_t>(l)];
        if (m.rows() != z.rows() || m.cols() != z.cols())
          throw std::invalid_argument("Mlp: dropout mask " + std::to_string(l) + " has the wrong shape");
        ws.dropped[static_cast<std::size_t>(l)] = h.cwiseProduct(m);
      }
    }
  }

  MlpShape shape_;
  std::vector<LayerLayout> layers_;
  Vec params_;
};

}  // namespace objectives::mlp
