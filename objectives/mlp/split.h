// Reproducible train/validation/test splits and training-data fraction sampling.
//
// The split is fixed by its own seed, independent of the trial's --seed, so every trial of a
// study is scored on the same validation and test rows. Stratified splitting and sampling keep
// class proportions (each class contributes floor or ceil of its exact share; the rounding
// remainder goes to the classes with the largest fractional parts, so the total is the rounded
// overall count). Sampling a fraction of the training data follows the data-subset selection
// studies on energy-efficient training (e.g. Verdecchia et al., 2022, "Data-centric green AI":
// smaller, well-sampled inputs save energy at little accuracy cost).
//
//   Split s = stratified_split(labels, /*val=*/0.2, /*test=*/0.2, /*seed=*/0);
//   auto rows = sample_fraction(labels, s.train, 0.3, Sampling::kStratified, trial_seed);
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace objectives::mlp {

struct Split {
  std::vector<std::int64_t> train, validation, test;  // row indices, disjoint
};

enum class Sampling { kRandom, kStratified };
std::optional<Sampling> parse_sampling(std::string_view text);  // "random" | "stratified"
std::string_view to_string(Sampling s);

// Per-class stratified split of rows 0..labels.size()-1: each class gives its proportional
// share to validation and test (largest-remainder rounding as above), the rest to train.
// Deterministic in `seed`. Requires 0 <= val, test and val + test < 1.
Split stratified_split(const std::vector<int>& labels, double val_fraction, double test_fraction,
                       std::uint64_t seed);

// Chooses round(fraction * rows.size()) rows (at least 1) of `rows`: uniformly at random, or
// stratified by labels[row] so each class keeps its share within one sample. The result is
// shuffled (seeded) so that a later cap by truncation keeps the sampling's character.
// Requires 0 < fraction <= 1.
std::vector<std::int64_t> sample_fraction(const std::vector<int>& labels,
                                          const std::vector<std::int64_t>& rows, double fraction,
                                          Sampling sampling, std::uint64_t seed);

// Splits `total` items into per-class counts proportional to class_sizes (largest remainder):
// counts[c] is floor or ceil of total * class_sizes[c] / sum, and the counts sum to `total`.
std::vector<std::int64_t> proportional_counts(const std::vector<std::int64_t>& class_sizes,
                                              std::int64_t total);

}  // namespace objectives::mlp
