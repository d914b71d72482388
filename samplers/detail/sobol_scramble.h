// Scrambled Sobol points (Sobol', 1967; Owen, 1995, "Randomly permuted (t,m,s)-nets and
// (t,s)-sequences"). The raw points come from Boost.Random's Sobol generator; each coordinate
// is then Owen-scrambled: the bit at depth k is flipped by a hash of (seed, dimension, depth,
// the k leading bits), which is a random permutation at every node of the binary tree of
// elementary intervals. The result keeps the net property (every elementary interval of the
// first 2^m points holds its share of points) while being an unbiased randomization, and a
// final hashed offset below the 32nd bit fills the gaps between grid values.
#pragma once

#include <cstdint>
#include <vector>

namespace samplers::detail {

// Point `index` (0-based; point 0 is the origin before scrambling) of the `dims`-dimensional
// Sobol sequence, scrambled with `seed`, each coordinate in [0, 1). `dims` <= 3667.
// With scramble = false the plain Sobol point is returned (seed unused).
std::vector<double> scrambled_sobol_point(std::uint64_t index, std::size_t dims,
                                          std::uint64_t seed, bool scramble = true);

// Owen-scrambles a 32-bit fixed-point coordinate (exposed for tests).
std::uint32_t owen_scramble(std::uint32_t value, std::uint64_t seed);

}  // namespace samplers::detail
