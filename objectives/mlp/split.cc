#include "objectives/mlp/split.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>

namespace objectives::mlp {
namespace {

std::vector<std::vector<std::int64_t>> rows_by_class(const std::vector<int>& labels,
                                                     const std::vector<std::int64_t>& rows) {
  int n_classes = 0;
  for (auto r : rows) n_classes = std::max(n_classes, labels[static_cast<std::size_t>(r)] + 1);
  std::vector<std::vector<std::int64_t>> out(static_cast<std::size_t>(n_classes));
  for (auto r : rows) out[static_cast<std::size_t>(labels[static_cast<std::size_t>(r)])].push_back(r);
  return out;
}

}  // namespace

std::optional<Sampling> parse_sampling(std::string_view text) {
  if (text == "random") return Sampling::kRandom;
  if (text == "stratified") return Sampling::kStratified;
  return std::nullopt;
}

std::string_view to_string(Sampling s) { return s == Sampling::kRandom ? "random" : "stratified"; }

std::vector<std::int64_t> proportional_counts(const std::vector<std::int64_t>& class_sizes,
                                              std::int64_t total) {
  const std::int64_t sum = std::accumulate(class_sizes.begin(), class_sizes.end(), std::int64_t{0});
  std::vector<std::int64_t> counts(class_sizes.size(), 0);
  if (sum == 0) return counts;
  std::vector<std::pair<double, std::size_t>> remainders;
  std::int64_t given = 0;
  for (std::size_t c = 0; c < class_sizes.size(); ++c) {
    const double exact = static_cast<double>(total) * static_cast<double>(class_sizes[c]) /
                         static_cast<double>(sum);
    counts[c] = static_cast<std::int64_t>(std::floor(exact));
    given += counts[c];
    remainders.emplace_back(exact - std::floor(exact), c);
  }
  // Largest fractional part first; ties by class index, so the result is deterministic.
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t i = 0; given < total && i < remainders.size(); ++i) {
    const std::size_t c = remainders[i].second;
    if (counts[c] < class_sizes[c]) {
      ++counts[c];
      ++given;
    }
  }
  return counts;
}

Split stratified_split(const std::vector<int>& labels, double val_fraction, double test_fraction,
                       std::uint64_t seed) {
  if (!(val_fraction >= 0 && test_fraction >= 0 && val_fraction + test_fraction < 1))
    throw std::invalid_argument("stratified_split: need 0 <= val, test and val + test < 1");
  std::vector<std::int64_t> all(labels.size());
  std::iota(all.begin(), all.end(), 0);
  auto by_class = rows_by_class(labels, all);
  std::vector<std::int64_t> sizes;
  for (const auto& c : by_class) sizes.push_back(static_cast<std::int64_t>(c.size()));
  const auto n = static_cast<double>(labels.size());
  const auto test_counts = proportional_counts(sizes, std::llround(test_fraction * n));
  const auto val_counts = proportional_counts(sizes, std::llround(val_fraction * n));
  std::mt19937_64 rng(seed);
  Split s;
  for (std::size_t c = 0; c < by_class.size(); ++c) {
    auto& rows = by_class[c];
    std::shuffle(rows.begin(), rows.end(), rng);
    const auto nt = static_cast<std::size_t>(test_counts[c]);
    const auto nv = std::min(static_cast<std::size_t>(val_counts[c]), rows.size() - nt);
    s.test.insert(s.test.end(), rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(nt));
    s.validation.insert(s.validation.end(), rows.begin() + static_cast<std::ptrdiff_t>(nt),
                        rows.begin() + static_cast<std::ptrdiff_t>(nt + nv));
    s.train.insert(s.train.end(), rows.begin() + static_cast<std::ptrdiff_t>(nt + nv), rows.end());
  }
  // Sorted row order: the split is a set; training order is shuffled per epoch anyway.
  std::sort(s.train.begin(), s.train.end());
  std::sort(s.validation.begin(), s.validation.end());
  std::sort(s.test.begin(), s.test.end());
  return s;
}

std::vector<std::int64_t> sample_fraction(const std::vector<int>& labels,
                                          const std::vector<std::int64_t>& rows, double fraction,
                                          Sampling sampling, std::uint64_t seed) {
  if (!(fraction > 0 && fraction <= 1))
    throw std::invalid_argument("sample_fraction: fraction must be in (0, 1]");
  const auto n = static_cast<std::int64_t>(rows.size());
  const std::int64_t k = std::clamp<std::int64_t>(std::llround(fraction * static_cast<double>(n)), 1, n);
  std::mt19937_64 rng(seed);
  std::vector<std::int64_t> out;
  if (sampling == Sampling::kRandom) {
    out = rows;
    std::shuffle(out.begin(), out.end(), rng);
    out.resize(static_cast<std::size_t>(k));
  } else {
    auto by_class = rows_by_class(labels, rows);
    std::vector<std::int64_t> sizes;
    for (const auto& c : by_class) sizes.push_back(static_cast<std::int64_t>(c.size()));
    const auto counts = proportional_counts(sizes, k);
    for (std::size_t c = 0; c < by_class.size(); ++c) {
      std::shuffle(by_class[c].begin(), by_class[c].end(), rng);
      out.insert(out.end(), by_class[c].begin(),
                 by_class[c].begin() + static_cast<std::ptrdiff_t>(counts[c]));
    }
    std::shuffle(out.begin(), out.end(), rng);
  }
  return out;
}

}  // namespace objectives::mlp
