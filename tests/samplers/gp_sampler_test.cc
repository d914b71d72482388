// The gp sampler end to end on in-process studies: beats random search on Branin, is
// deterministic under a seed with oneTBB running the multi-start, gives distinct proposals
// for running trials (kriging believer), handles 2 and 3 objectives, categorical and
// conditional parameters, and rejects bad options naming the key.
#include <algorithm>
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "hpo/core/config_error.h"
#include "hpo/core/registry.h"
#include "samplers/gp_sampler.h"
#include "samplers/random_sampler.h"
#include "samplers/registry.h"

namespace samplers {
namespace {

hpo::SearchSpace unit_space(int d) {
  hpo::SearchSpace s;
  for (int i = 0; i < d; ++i) {
    hpo::ParamSpec p;
    p.name = "x" + std::to_string(i);
    s.params.push_back(p);
  }
  return s;
}

double branin(double u, double v) {
  const double x1 = 15 * u - 5, x2 = 15 * v;
  const double b = 5.1 / (4 * M_PI * M_PI), c = 5 / M_PI, t = 1 / (8 * M_PI);
  return std::pow(x2 - b * x1 * x1 + c * x1 - 6, 2) + 10 * (1 - t) * std::cos(x1) + 10;
}

hpo::Trial complete(std::int64_t number, hpo::Params p, std::vector<double> values) {
  hpo::Trial t;
  t.number = number;
  t.params = std::move(p);
  t.state = hpo::TrialState::kComplete;
  t.values = std::move(values);
  return t;
}

using Fn = std::vector<double> (*)(const hpo::Params&);

std::vector<hpo::Trial> run(hpo::Sampler& s, const hpo::SearchSpace& space,
                            const std::vector<hpo::Objective>& objs, int n, Fn fn) {
  std::vector<hpo::Trial> trials;
  for (int i = 0; i < n; ++i) {
    const hpo::StudyView view{space, objs, trials};
    hpo::Params p = s.suggest(view, i);
    EXPECT_EQ(space.check(p), "") << "trial " << i;
    auto v = fn(p);
    trials.push_back(complete(i, std::move(p), std::move(v)));
  }
  return trials;
}

std::vector<double> branin_fn(const hpo::Params& p) {
  return {branin(std::get<double>(p.at("x0")), std::get<double>(p.at("x1")))};
}

TEST(GpSampler, BeatsRandomOnBranin) {
  const auto space = unit_space(2);
  const std::vector<hpo::Objective> objs{{"f", hpo::Direction::kMinimize}};
  std::vector<double> gp_best, rs_best;
  for (std::uint64_t seed : {1, 2, 3}) {
    GpSampler::Options o;
    o.seed = seed;
    GpSampler gp(o);
    RandomSampler rs({seed});
    auto best = [](const std::vector<hpo::Trial>& t) {
      double b = 1e300;
      for (const auto& x : t) b = std::min(b, x.values[0]);
      return b;
    };
    gp_best.push_back(best(run(gp, space, objs, 30, branin_fn)));
    rs_best.push_back(best(run(rs, space, objs, 30, branin_fn)));
  }
  std::sort(gp_best.begin(), gp_best.end());
  std::sort(rs_best.begin(), rs_best.end());
  EXPECT_LT(gp_best[1], rs_best[1]);
  EXPECT_LT(gp_best[1], 0.397887 + 0.5);  // global minimum 0.397887
}

TEST(GpSampler, DeterministicUnderASeed) {
  const auto space = unit_space(3);
  const std::vector<hpo::Objective> objs{{"f", hpo::Direction::kMinimize}};
  auto fn = [](const hpo::Params& p) {
    double s = 0;
    for (const auto& [k, v] : p) s += std::pow(std::get<double>(v) - 0.3, 2);
    return std::vector<double>{s};
  };
  GpSampler::Options o;
  o.seed = 9;
  o.n_startup_trials = 5;
  GpSampler a(o), b(o);
  const auto ta = run(a, space, objs, 18, fn);
  const auto tb = run(b, space, objs, 18, fn);
  for (std::size_t i = 0; i < ta.size(); ++i)
    for (const auto& [k, v] : ta[i].params) EXPECT_TRUE(hpo::params_equal(v, tb[i].params.at(k)));
}

TEST(GpSampler, RunningTrialsGetDistinctProposals) {
  const auto space = unit_space(2);
  const std::vector<hpo::Objective> objs{{"f", hpo::Direction::kMinimize}};
  GpSampler::Options o;
  o.seed = 4;
  GpSampler gp(o);
  RandomSampler rs({4});
  std::vector<hpo::Trial> trials;
  for (int i = 0; i < 12; ++i) {
    hpo::Params p = rs.suggest({space, objs, trials}, i);
    trials.push_back(complete(i, p, branin_fn(p)));
  }
  // Four proposals in a row, each added as running before the next (parallel: 4).
  std::vector<std::pair<double, double>> props;
  for (int i = 12; i < 16; ++i) {
    hpo::Params p = gp.suggest({space, objs, trials}, i);
    props.emplace_back(std::get<double>(p.at("x0")), std::get<double>(p.at("x1")));
    hpo::Trial t;
    t.number = i;
    t.params = p;
    t.state = hpo::TrialState::kRunning;
    trials.push_back(t);
  }
  for (std::size_t i = 0; i < props.size(); ++i)
    for (std::size_t j = i + 1; j < props.size(); ++j)
      EXPECT_GT(std::hypot(props[i].first - props[j].first, props[i].second - props[j].second), 1e-3)
          << i << " vs " << j;
}

std::vector<double> zdt1(const hpo::Params& p) {
  std::vector<double> x;
  for (const auto& [k, v] : p) x.push_back(std::get<double>(v));
  double g = 0;
  for (std::size_t i = 1; i < x.size(); ++i) g += x[i];
  g = 1 + 9 * g / static_cast<double>(x.size() - 1);
  return {x[0], g * (1 - std::sqrt(x[0] / g))};
}

TEST(GpSampler, TwoAndThreeObjectivesWithMixedDirections) {
  const auto space = unit_space(3);
  GpSampler::Options o;
  o.seed = 2;
  o.n_startup_trials = 6;
  GpSampler two(o);
  const std::vector<hpo::Objective> objs2{{"a", hpo::Direction::kMinimize}, {"b", hpo::Direction::kMinimize}};
  const auto t2 = run(two, space, objs2, 14, zdt1);
  EXPECT_EQ(t2.size(), 14u);
  GpSampler three(o);
  const std::vector<hpo::Objective> objs3{
      {"a", hpo::Direction::kMinimize}, {"b", hpo::Direction::kMaximize}, {"c", hpo::Direction::kMinimize}};
  run(three, space, objs3, 12, [](const hpo::Params& p) {
    const double x = std::get<double>(p.at("x0")), y = std::get<double>(p.at("x1"));
    return std::vector<double>{x, -y, (x - 0.5) * (x - 0.5) + y};
  });
}

TEST(GpSampler, CategoricalIntAndConditionalParameters) {
  hpo::SearchSpace s;
  hpo::ParamSpec opt;
  opt.name = "opt";
  opt.kind = hpo::ParamKind::kCategorical;
  opt.choices = {std::string("sgd"), std::string("adam")};
  hpo::ParamSpec mom;
  mom.name = "momentum";
  mom.condition = hpo::Condition{"opt", {std::string("sgd")}};
  hpo::ParamSpec width;
  width.name = "width";
  width.kind = hpo::ParamKind::kInt;
  width.low = 16;
  width.high = 512;
  width.log = true;
  hpo::ParamSpec lr;
  lr.name = "lr";
  lr.low = 1e-4;
  lr.high = 0.1;
  lr.log = true;
  s.params = {opt, mom, width, lr};
  GpSampler::Options o;
  o.seed = 3;
  o.n_startup_trials = 5;
  GpSampler gp(o);
  const std::vector<hpo::Objective> objs{{"acc", hpo::Direction::kMaximize}};
  const auto trials = run(gp, s, objs, 15, [](const hpo::Params& p) {
    const double lr = std::get<double>(p.at("lr"));
    const double w = static_cast<double>(std::get<std::int64_t>(p.at("width")));
    const bool sgd = std::get<std::string>(p.at("opt")) == "sgd";
    return std::vector<double>{-std::pow(std::log10(lr) + 2.5, 2) - std::pow(std::log2(w) - 7, 2) +
                               (sgd ? std::get<double>(p.at("momentum")) : 0.5)};
  });
  for (std::size_t i = 0; i < trials.size(); ++i)
    for (std::size_t j = i + 1; j < trials.size(); ++j) {
      bool same = trials[i].params.size() == trials[j].params.size();
      for (const auto& [k, v] : trials[i].params)
        same = same && trials[j].params.count(k) && hpo::params_equal(v, trials[j].params.at(k));
      EXPECT_FALSE(same) << "trials " << i << " and " << j << " repeat a configuration";
    }
}

TEST(GpSampler, FailedAndPrunedTrialsAreSkipped) {
  const auto space = unit_space(2);
  const std::vector<hpo::Objective> objs{{"f", hpo::Direction::kMinimize}};
  GpSampler::Options o;
  o.n_startup_trials = 3;
  GpSampler gp(o);
  RandomSampler rs({1});
  std::vector<hpo::Trial> trials;
  for (int i = 0; i < 8; ++i) {
    hpo::Params p = rs.suggest({space, objs, trials}, i);
    hpo::Trial t = complete(i, p, branin_fn(p));
    if (i % 3 == 1) { t.state = hpo::TrialState::kFailed; t.values.clear(); }
    if (i % 3 == 2) t.state = hpo::TrialState::kPruned;
    trials.push_back(t);
  }
  const hpo::Params p = gp.suggest({space, objs, trials}, 8);
  EXPECT_EQ(space.check(p), "");
}

// Cheap proposals (x0 <= 0.5, where trials cost 100x less) among 6 proposals in a row.
int cheap_proposals(bool aware) {
  const auto space = unit_space(2);
  const std::vector<hpo::Objective> objs{{"f", hpo::Direction::kMinimize}};
  GpSampler::Options o;
  o.seed = 5;
  o.energy_aware = aware;
  o.cost_budget_trials = 200;
  GpSampler gp(o);
  RandomSampler rs({5});
  std::vector<hpo::Trial> trials;
  for (int i = 0; i < 15; ++i) {
    hpo::Params p = rs.suggest({space, objs, trials}, i);
    hpo::Trial t = complete(i, p, branin_fn(p));
    t.energy.energy_kwh = std::get<double>(p.at("x0")) > 0.5 ? 1e-2 : 1e-4;
    trials.push_back(t);
  }
  int cheap = 0;
  for (int i = 15; i < 21; ++i) {
    const hpo::Params p = gp.suggest({space, objs, trials}, i);
    cheap += std::get<double>(p.at("x0")) <= 0.5 ? 1 : 0;
    hpo::Trial t;
    t.number = i;
    t.params = p;
    trials.push_back(t);  // running
  }
  return cheap;
}

TEST(GpSampler, EnergyAwarePrefersCheapRegion) {
  const int plain = cheap_proposals(false), aware = cheap_proposals(true);
  EXPECT_GT(aware, plain);
  EXPECT_GE(aware, 4) << "plain " << plain;
}

TEST(GpSampler, OptionsFromYamlAndErrorsNameTheKey) {
  hpo::Registry reg;
  register_samplers(reg);
  hpo::ComponentSpec spec{"gp", {{"seed", 3}, {"n_starts", 4}, {"energy_aware", true}}, "/sampler"};
  EXPECT_NE(reg.make_sampler(spec, {}), nullptr);
  spec.options = {{"n_starts", 0}};
  try {
    reg.make_sampler(spec, {});
    FAIL() << "n_starts: 0 accepted";
  } catch (const hpo::ConfigError& e) {
    EXPECT_EQ(e.key(), "/sampler/n_starts");
    EXPECT_NE(std::string(e.what()).find(">= 1"), std::string::npos);
  }
  spec.options = {{"n_start", 3}};
  try {
    reg.make_sampler(spec, {});
    FAIL() << "unknown option accepted";
  } catch (const hpo::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("n_start"), std::string::npos);
  }
  EXPECT_EQ(GpSampler::Options{}.validate(), "");
}

TEST(GpSampler, RefitScheduleIsEveryKThenDoubling) {
  GpSampler gp(GpSampler::Options{});
  EXPECT_EQ(gp.refit_point(12), 10);
  EXPECT_EQ(gp.refit_point(15), 15);
  EXPECT_EQ(gp.refit_point(100), 100);
  EXPECT_EQ(gp.refit_point(199), 100);
  EXPECT_EQ(gp.refit_point(450), 400);
  EXPECT_EQ(gp.refit_point(1000), 800);
}

}  // namespace
}  // namespace samplers
