#include "hpo/core/search_space.h"

#include <cmath>
#include <random>

#include <gtest/gtest.h>

namespace hpo {
namespace {

ParamSpec float_param(double lo, double hi, bool log = false) {
  ParamSpec p;
  p.name = "x";
  p.kind = ParamKind::kFloat;
  p.low = lo;
  p.high = hi;
  p.log = log;
  return p;
}

TEST(ParamSpec, LogFloatMidpointIsGeometric) {
  auto p = float_param(1e-4, 1e-1, true);
  EXPECT_NEAR(std::get<double>(p.from_unit(0.5)), std::sqrt(1e-4 * 1e-1), 1e-12);
  EXPECT_DOUBLE_EQ(std::get<double>(p.from_unit(0.0)), 1e-4);
  EXPECT_DOUBLE_EQ(std::get<double>(p.from_unit(1.0)), 1e-1);
}

TEST(ParamSpec, IntegersGetEqualSlices) {
  ParamSpec p;
  p.name = "n";
  p.kind = ParamKind::kInt;
  p.low = 1;
  p.high = 3;
  std::map<std::int64_t, int> counts;
  for (int i = 0; i < 3000; ++i) counts[std::get<std::int64_t>(p.from_unit((i + 0.5) / 3000))]++;
  ASSERT_EQ(counts.size(), 3u);
  for (auto& [v, c] : counts) EXPECT_EQ(c, 1000) << v;
}

TEST(ParamSpec, StepsAndRoundTrip) {
  auto p = float_param(0.0, 1.0);
  p.step = 0.25;
  std::mt19937_64 rng(3);
  for (int i = 0; i < 200; ++i) {
    auto v = p.from_unit(std::uniform_real_distribution<>(0, 1)(rng));
    EXPECT_TRUE(p.contains(v)) << format_param(v);
    EXPECT_TRUE(params_equal(p.from_unit(p.to_unit(v)), v));
  }
  EXPECT_EQ(p.cardinality(), 5u);
}

TEST(ParamSpec, CategoricalKeepsTypes) {
  ParamSpec p;
  p.name = "c";
  p.kind = ParamKind::kCategorical;
  p.choices = {std::string("relu"), std::int64_t{3}, true, 0.5};
  EXPECT_EQ(p.validate(), "");
  EXPECT_TRUE(std::holds_alternative<std::string>(p.from_unit(0.1)));
  EXPECT_TRUE(std::holds_alternative<std::int64_t>(p.from_unit(0.3)));
  EXPECT_TRUE(std::holds_alternative<bool>(p.from_unit(0.6)));
  EXPECT_TRUE(std::holds_alternative<double>(p.from_unit(0.99)));
}

TEST(ParamSpec, ValidateRejectsBadSpecs) {
  EXPECT_NE(float_param(2, 1).validate(), "");
  EXPECT_NE(float_param(0, 1, true).validate(), "");
  ParamSpec c;
  c.name = "c";
  c.kind = ParamKind::kCategorical;
  EXPECT_NE(c.validate(), "");
  c.choices = {std::string("a"), std::string("a")};
  EXPECT_NE(c.validate(), "");
}

TEST(SearchSpace, ConditionalParameters) {
  SearchSpace s;
  ParamSpec opt;
  opt.name = "optimizer";
  opt.kind = ParamKind::kCategorical;
  opt.choices = {std::string("sgd"), std::string("adam")};
  ParamSpec mom = float_param(0, 0.99);
  mom.name = "momentum";
  mom.condition = Condition{"optimizer", {std::string("sgd")}};
  s.params = {opt, mom};
  EXPECT_EQ(s.validate(), "");
  EXPECT_TRUE(s.is_active(s.params[1], {{"optimizer", std::string("sgd")}}));
  EXPECT_FALSE(s.is_active(s.params[1], {{"optimizer", std::string("adam")}}));
  EXPECT_EQ(s.check({{"optimizer", std::string("adam")}}), "");
  EXPECT_NE(s.check({{"optimizer", std::string("adam")}, {"momentum", 0.5}}), "");
  EXPECT_NE(s.check({{"optimizer", std::string("sgd")}}), "");
  std::swap(s.params[0], s.params[1]);
  EXPECT_NE(s.validate(), "");  // parent must come first
}

TEST(FormatDouble, RoundTrips) {
  for (double x : {0.1, 1e-5, 1.0 / 3.0, 123456789.123, 3.0}) {
    EXPECT_EQ(std::stod(format_double(x)), x);
  }
  EXPECT_EQ(format_double(0.1), "0.1");
}

}  // namespace
}  // namespace hpo
