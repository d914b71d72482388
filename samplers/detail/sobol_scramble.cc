#include "samplers/detail/sobol_scramble.h"

#include <boost/random/sobol.hpp>

#include "samplers/rng.h"

namespace samplers::detail {

std::uint32_t owen_scramble(std::uint32_t value, std::uint64_t seed) {
  std::uint32_t out = 0;
  for (int depth = 0; depth < 32; ++depth) {
    const int bit = 31 - depth;
    // The node of the binary tree: the `depth` leading bits of the unscrambled value.
    const std::uint64_t prefix = depth == 0 ? 0 : (value >> (bit + 1));
    const std::uint64_t node = (static_cast<std::uint64_t>(depth) << 32) | prefix;
    const std::uint32_t flip = static_cast<std::uint32_t>(splitmix64(seed ^ splitmix64(node)) & 1U);
    out |= (((value >> bit) & 1U) ^ flip) << bit;
  }
  return out;
}

std::vector<double> scrambled_sobol_point(std::uint64_t index, std::size_t dims,
                                          std::uint64_t seed, bool scramble) {
  std::vector<double> u(dims, 0.0);
  if (dims == 0) return u;
  std::vector<std::uint32_t> raw(dims, 0);
  if (index > 0) {
    // Boost skips the origin: after seed(k) the next vector is point k+1 of the sequence.
    boost::random::sobol_engine<std::uint32_t, 32, boost::random::default_sobol_table> gen(dims);
    gen.seed(static_cast<std::uint32_t>(index - 1));
    for (auto& r : raw) r = gen();
  }
  constexpr double kTwo32 = 4294967296.0;
  if (!scramble) {
    for (std::size_t d = 0; d < dims; ++d) u[d] = static_cast<double>(raw[d]) / kTwo32;
    return u;
  }
  for (std::size_t d = 0; d < dims; ++d) {
    const std::uint64_t dim_seed = splitmix64(seed ^ splitmix64(0xD1u + d));
    const std::uint32_t s = owen_scramble(raw[d], dim_seed);
    // Sub-grid offset, hashed from (seed, dim, index), so values are not confined to k/2^32.
    const double jitter =
        static_cast<double>(splitmix64(dim_seed ^ splitmix64(index)) >> 11) * 0x1.0p-53;
    u[d] = (static_cast<double>(s) + jitter) / kTwo32;
  }
  return u;
}

}  // namespace samplers::detail
