#include "hpo/spec/spec_text.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cctype>
#include <limits>
#include <optional>

namespace hpo {
namespace {

bool is_digits(std::string_view s, int base) {
  if (s.empty()) return false;
  for (char c : s) {
    const bool ok = base == 16 ? std::isxdigit(static_cast<unsigned char>(c)) != 0
                    : base == 8 ? (c >= '0' && c <= '7')
                                : (c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
bool is_core_float(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t int_digits = 0, frac_digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) { ++i; ++int_digits; }
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) { ++i; ++frac_digits; }
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t exp_digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) { ++i; ++exp_digits; }
    if (exp_digits == 0) return false;
  }
  return i == s.size();
}

std::optional<double> parse_double(std::string_view s) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  double d = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (p != s.data() + s.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) {
    // Overflow to +-inf, underflow to 0, as YAML libraries do.
    const bool neg = !s.empty() && s[0] == '-';
    const auto e = s.find_first_of("eE");
    const bool big = e != std::string_view::npos && s.substr(e + 1, 1) != "-";
    if (big) return neg ? -std::numeric_limits<double>::infinity()
                        : std::numeric_limits<double>::infinity();
    return neg ? -0.0 : 0.0;
  }
  if (ec != std::errc()) return std::nullopt;
  return d;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Optimal string alignment: a swap of neighbours counts as one edit.
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i)
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[n][m];
}

}  // namespace

nlohmann::json typed_scalar(std::string_view s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  std::string_view body = s;
  const bool neg = !body.empty() && body[0] == '-';
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) body.remove_prefix(1);
  int base = 10;
  if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'o')) {
    base = body[1] == 'x' ? 16 : 8;
    if (s[0] == '+' || s[0] == '-') base = 0;  // YAML has no signed hex/octal
    body.remove_prefix(2);
  }
  if (base != 0 && is_digits(body, base)) {
    std::uint64_t u = 0;
    auto [p, ec] = std::from_chars(body.data(), body.data() + body.size(), u, base);
    const std::uint64_t limit =
        static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + (neg ? 1 : 0);
    if (ec == std::errc() && p == body.data() + body.size() && u <= limit) {
      if (neg) return u == limit ? std::numeric_limits<std::int64_t>::min()
                                 : -static_cast<std::int64_t>(u);
      return static_cast<std::int64_t>(u);
    }
    if (base == 10) {
      if (auto d = parse_double(s)) return *d;  // too big for int64: a float
    }
    return std::string(s);
  }
  if (is_core_float(s)) {
    if (auto d = parse_double(s)) return *d;
  }
  const std::string_view inf_body = (s[0] == '+' || s[0] == '-') ? s.substr(1) : s;
  if (inf_body == ".inf" || inf_body == ".Inf" || inf_body == ".INF")
    return s[0] == '-' ? -std::numeric_limits<double>::infinity()
                       : std::numeric_limits<double>::infinity();
  if (s == ".nan" || s == ".NaN" || s == ".NAN") return std::numeric_limits<double>::quiet_NaN();
  return std::string(s);
}

nlohmann::json typed_word(std::string_view text) {
  if (text.size() >= 2 && (text.front() == '"' || text.front() == '\'') &&
      text.back() == text.front())
    return std::string(text.substr(1, text.size() - 2));
  return typed_scalar(text);
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_d = 3;  // at most two edits
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_d && d < c.size()) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string describe_json(const nlohmann::json& j) {
  if (j.is_null()) return "nothing (null)";
  if (j.is_boolean()) return "a boolean (" + j.dump() + ")";
  if (j.is_number_integer()) return "an integer (" + j.dump() + ")";
  if (j.is_number()) return "a number (" + j.dump() + ")";
  if (j.is_string()) return "a string (" + j.dump() + ")";
  if (j.is_array()) return "a list";
  return "a mapping";
}

}  // namespace hpo
