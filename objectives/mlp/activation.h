// Hidden-layer activation functions of the MLP and their derivatives, on Eigen arrays.
// relu (Nair & Hinton, 2010), tanh, the logistic sigmoid, and GELU in its tanh approximation
// (Hendrycks & Gimpel, 2016). Derivatives take both the pre-activation z and the activation
// h = f(z), so the backward pass never recomputes f.
//
//   apply_activation(Activation::kRelu, z, h);
//   delta.array() *= activation_derivative(Activation::kRelu, z, h).array();
#pragma once

#include <Eigen/Core>

#include <cmath>
#include <optional>
#include <string_view>

namespace objectives::mlp {

enum class Activation { kRelu, kTanh, kSigmoid, kGelu };

inline std::optional<Activation> parse_activation(std::string_view text) {
  if (text == "relu") return Activation::kRelu;
  if (text == "tanh") return Activation::kTanh;
  if (text == "sigmoid") return Activation::kSigmoid;
  if (text == "gelu") return Activation::kGelu;
  return std::nullopt;
}

inline std::string_view to_string(Activation a) {
  switch (a) {
    case Activation::kRelu: return "relu";
    case Activation::kTanh: return "tanh";
    case Activation::kSigmoid: return "sigmoid";
    case Activation::kGelu: return "gelu";
  }
  return "?";
}

namespace detail {
template <class S>
constexpr S kGeluK = static_cast<S>(0.7978845608028654);  // sqrt(2 / pi)
template <class S>
constexpr S kGeluC = static_cast<S>(0.044715);
}  // namespace detail

// h = f(z), elementwise; h is resized to z's shape.
template <class MatZ, class MatH>
void apply_activation(Activation a, const MatZ& z, MatH& h) {
  using S = typename MatZ::Scalar;
  switch (a) {
    case Activation::kRelu: h = z.cwiseMax(S(0)); break;
    case Activation::kTanh: h = z.array().tanh().matrix(); break;
    case Activation::kSigmoid: h = (S(1) / (S(1) + (-z.array()).exp())).matrix(); break;
    case Activation::kGelu: {
      const S k = detail::kGeluK<S>, c = detail::kGeluC<S>;
      h = (S(0.5) * z.array() * (S(1) + (k * (z.array() + c * z.array().cube())).tanh())).matrix();
      break;
    }
  }
}

// delta *= f'(z), elementwise, given z and h = f(z).
template <class MatD, class MatZ, class MatH>
void multiply_by_derivative(Activation a, const MatZ& z, const MatH& h, MatD& delta) {
  using S = typename MatZ::Scalar;
  switch (a) {
    case Activation::kRelu:
      delta.array() *= (z.array() > S(0)).template cast<S>();
      break;
    case Activation::kTanh: delta.array() *= S(1) - h.array().square(); break;
    case Activation::kSigmoid: delta.array() *= h.array() * (S(1) - h.array()); break;
    case Activation::kGelu: {
      const S k = detail::kGeluK<S>, c = detail::kGeluC<S>;
      const auto zz = z.array();
      const auto t = (k * (zz + c * zz.cube())).tanh().eval();
      delta.array() *=
          S(0.5) * (S(1) + t) + S(0.5) * zz * (S(1) - t.square()) * k * (S(1) + S(3) * c * zz.square());
      break;
    }
  }
}

}  // namespace objectives::mlp
