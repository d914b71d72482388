// Result<T>: a value or an error message, for code inside loops where a failure is data,
// not an exception (a trial that failed, a counter that could not be read). Exceptions are
// kept for the boundaries (config files, the command line). C++20 has no std::expected, so
// this is the small in-house equivalent (see docs/style.md).
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace hpo {

struct Error {
  std::string message;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error) : data_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(data_); }
  explicit operator bool() const { return ok(); }

  const T& value() const& { check(); return std::get<T>(data_); }
  T& value() & { check(); return std::get<T>(data_); }
  T&& value() && { check(); return std::get<T>(std::move(data_)); }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }

  const std::string& error() const { return std::get<Error>(data_).message; }
  T value_or(T fallback) const { return ok() ? std::get<T>(data_) : fallback; }

 private:
  void check() const {
    if (!ok()) throw std::logic_error("Result::value() on an error: " + error());
  }
  std::variant<T, Error> data_;
};

// Result<void>: success or an error message.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error.message)), ok_(false) {}  // NOLINT
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const std::string& error() const { return error_; }

 private:
  std::string error_;
  bool ok_ = true;
};

inline Error make_error(std::string message) { return Error{std::move(message)}; }

}  // namespace hpo
