// Per-trial random streams: the stream for trial n is seeded from (study seed, n) through
// SplitMix64 (Steele, Lea & Flood, 2014), so a sampler proposes the same values for trial n
// whatever order earlier trials finished in, and no two trials share a stream.
#pragma once

#include <cstdint>
#include <random>

namespace samplers {

inline std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// A 64-bit Mersenne Twister seeded from (seed, trial_number, salt).
inline std::mt19937_64 trial_rng(std::uint64_t seed, std::int64_t trial_number,
                                 std::uint64_t salt = 0) {
  std::uint64_t s = splitmix64(seed ^ splitmix64(static_cast<std::uint64_t>(trial_number) + 1));
  s = splitmix64(s ^ salt);
  return std::mt19937_64(s);
}

inline double uniform01(std::mt19937_64& rng) {
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

}  // namespace samplers
