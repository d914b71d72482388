#include "samplers/tpe_sampler.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include "hpo/core/config_error.h"
#include "hpo/core/options_reader.h"
#include "samplers/detail/param_codec.h"
#include "samplers/detail/parzen_estimator.h"
#include "samplers/detail/running.h"
#include "samplers/detail/trial_split.h"
#include "samplers/energy_cost_model.h"
#include "samplers/random_sampler.h"
#include "samplers/rng.h"

namespace samplers {
namespace {

using detail::DimInfo;
using detail::ParamCodec;
using detail::ParzenEstimator;

// l(x) and g(x) over a group of parameters (codec indices).
struct Model {
  std::vector<std::size_t> codecs;
  std::vector<DimInfo> dims;  // referenced by the estimators: never resized after building
  std::unique_ptr<ParzenEstimator> good, bad;
};

// Observations of `group` in the trials `idx`: only trials where every parameter is present.
void collect(const hpo::StudyView& study, const std::vector<ParamCodec>& codecs,
             const std::vector<std::size_t>& group, const std::vector<std::size_t>& idx,
             std::vector<std::vector<double>>& obs, std::vector<double>& weights) {
  std::vector<std::vector<double>> rows;
  for (auto i : idx) {
    const auto& t = study.trials[i];
    std::vector<double> x(group.size());
    bool ok = true;
    for (std::size_t k = 0; k < group.size() && ok; ++k) {
      const auto& c = codecs[group[k]];
      auto it = t.params.find(study.space.params[c.param].name);
      if (it == t.params.end()) ok = false;
      else x[k] = c.encode(study.space, it->second);
    }
    if (ok) rows.push_back(std::move(x));
  }
  weights = detail::age_weights(rows.size());
  obs = std::move(rows);
}

std::unique_ptr<Model> fit_model(const hpo::StudyView& study,
                                 const std::vector<ParamCodec>& codecs,
                                 std::vector<std::size_t> group, const detail::TrialSplit& split,
                                 const detail::ParzenOptions& po) {
  auto m = std::make_unique<Model>();
  m->codecs = std::move(group);
  for (auto k : m->codecs) m->dims.push_back(codecs[k].info);
  std::vector<std::vector<double>> obs;
  std::vector<double> w;
  collect(study, codecs, m->codecs, split.good, obs, w);
  m->good = std::make_unique<ParzenEstimator>(m->dims, obs, w, po);
  collect(study, codecs, m->codecs, split.bad, obs, w);
  m->bad = std::make_unique<ParzenEstimator>(m->dims, obs, w, po);
  return m;
}

hpo::Params random_proposal(const hpo::StudyView& study, std::uint64_t seed,
                            std::int64_t trial_number) {
  hpo::Params p;
  for (std::uint64_t salt = 0; salt < 32; ++salt) {
    auto rng = trial_rng(seed, trial_number, salt);
    p = sample_uniform(study.space, rng);
    if (!detail::duplicates_running(study, p)) break;
  }
  return p;
}

}  // namespace

std::string TpeSampler::Options::validate() const {
  if (n_startup_trials < 0) return "n_startup_trials: must be >= 0";
  if (n_ei_candidates < 1) return "n_ei_candidates: must be >= 1";
  if (!(gamma > 0.0 && gamma <= 1.0)) return "gamma: must be in (0, 1]";
  if (max_good < 1) return "max_good: must be >= 1";
  if (!(prior_weight > 0.0)) return "prior_weight: must be > 0";
  if (budget_trials < 1) return "budget_trials: must be >= 1";
  if (!(cost_exponent >= 0.0) || !std::isfinite(cost_exponent))
    return "cost_exponent: must be a finite number >= 0";
  if (startup_candidates < 1) return "startup_candidates: must be >= 1";
  return "";
}

hpo::Params TpeSampler::suggest(const hpo::StudyView& study, std::int64_t trial_number) {
  const auto split =
      detail::split_trials(study, options_.gamma, options_.max_good, options_.constant_liar);
  std::optional<EnergyCostModel> cost;
  double alpha = 0.0;
  if (options_.energy_aware) {
    cost.emplace();
    cost->fit(study);
    std::size_t finished = 0;
    for (const auto& t : study.trials)
      if (hpo::is_finished(t.state) && t.state != hpo::TrialState::kInterrupted) ++finished;
    alpha = EnergyCostModel::cooling_exponent(static_cast<double>(finished) /
                                              static_cast<double>(options_.budget_trials));
  }
  if (static_cast<int>(split.n_complete) < std::max(1, options_.n_startup_trials)) {
    // Cost-effective initial design (CArBO): once the cost model has enough measured trials,
    // the candidate of `startup_candidates` random draws that best trades distance to the
    // trials already run against predicted energy, so start-up trials spread where it is cheap.
    auto first = random_proposal(study, options_.seed, trial_number);
    if (!cost || !cost->informative() || alpha <= 0.0) return first;
    std::vector<hpo::Params> cands{std::move(first)};
    for (int k = 1; k < options_.startup_candidates; ++k)
      cands.push_back(random_proposal(
          study, options_.seed ^ splitmix64(static_cast<std::uint64_t>(k)), trial_number));
    std::vector<hpo::Params> existing;
    for (const auto& t : study.trials)
      if (t.number != trial_number && t.state != hpo::TrialState::kInterrupted)
        existing.push_back(t.params);
    const auto pick = cost->pick_cost_effective(study.space, cands, existing,
                                                alpha * options_.cost_exponent);
    return std::move(cands[pick]);
  }

  const auto& space = study.space;
  const auto codecs = detail::make_codecs(space);
  detail::ParzenOptions po;
  po.prior_weight = options_.prior_weight;
  po.consider_endpoints = options_.consider_endpoints;

  // Which parameters are modelled jointly, which on their own.
  std::vector<std::size_t> joint;
  std::vector<std::unique_ptr<Model>> single(codecs.size());
  for (std::size_t k = 0; k < codecs.size(); ++k) {
    const bool unconditional = !space.params[codecs[k].param].condition.has_value();
    if (options_.multivariate && unconditional) joint.push_back(k);
    else single[k] = fit_model(study, codecs, {k}, split, po);
  }
  std::unique_ptr<Model> joint_model;
  if (!joint.empty()) joint_model = fit_model(study, codecs, joint, split, po);

  auto rng = trial_rng(options_.seed, trial_number);
  const int n_cand = options_.n_ei_candidates;
  const auto draw_best = [&](const Model& m) {
    std::vector<double> best;
    double best_score = -std::numeric_limits<double>::infinity();
    for (int c = 0; c < n_cand; ++c) {
      auto x = m.good->sample(rng);
      const double s = m.good->log_pdf(x) - m.bad->log_pdf(x);
      if (best.empty() || s > best_score) { best = std::move(x); best_score = s; }
    }
    return best;
  };

  // Univariate TPE (Bergstra et al.): each parameter maximizes its own ratio.
  if (!options_.multivariate && !options_.energy_aware) {
    hpo::Params out;
    for (std::size_t k = 0; k < codecs.size(); ++k) {
      const auto& p = space.params[codecs[k].param];
      if (!space.is_active(p, out)) continue;
      out[p.name] = codecs[k].decode(space, draw_best(*single[k])[0]);
    }
    if (!detail::duplicates_running(study, out)) return out;
  }

  // Whole candidates: the joint group drawn together, the others one draw each; scored by the
  // summed log ratios, minus alpha * log(predicted kWh) when energy-aware.
  std::vector<std::pair<double, hpo::Params>> cands;
  cands.reserve(static_cast<std::size_t>(n_cand));
  for (int c = 0; c < n_cand; ++c) {
    hpo::Params params;
    double score = 0.0;
    if (joint_model) {
      const auto x = joint_model->good->sample(rng);
      score += joint_model->good->log_pdf(x) - joint_model->bad->log_pdf(x);
      for (std::size_t j = 0; j < joint.size(); ++j) {
        const auto& codec = codecs[joint[j]];
        params[space.params[codec.param].name] = codec.decode(space, x[j]);
      }
    }
    for (std::size_t k = 0; k < codecs.size(); ++k) {
      if (!single[k]) continue;
      const auto& p = space.params[codecs[k].param];
      if (!space.is_active(p, params)) continue;
      const auto x = single[k]->good->sample(rng);
      score += single[k]->good->log_pdf(x) - single[k]->bad->log_pdf(x);
      params[p.name] = codecs[k].decode(space, x[0]);
    }
    if (cost && cost->fitted() && alpha > 0.0)
      score -= alpha * options_.cost_exponent * cost->predict_log_kwh(space, params);
    cands.emplace_back(score, std::move(params));
  }
  std::stable_sort(cands.begin(), cands.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (auto& [score, params] : cands)
    if (!detail::duplicates_running(study, params)) return std::move(params);
  return random_proposal(study, options_.seed, trial_number);
}

std::unique_ptr<hpo::Sampler> TpeSampler::create(const hpo::ComponentSpec& spec,
                                                 int study_budget_trials) {
  hpo::OptionsReader r(spec.options, spec.key);
  Options o;
  if (study_budget_trials > 0) o.budget_trials = study_budget_trials;
  o.seed = static_cast<std::uint64_t>(r.integer("seed", 0));
  o.n_startup_trials = static_cast<int>(r.integer("n_startup_trials", o.n_startup_trials));
  o.n_ei_candidates = static_cast<int>(r.integer("n_ei_candidates", o.n_ei_candidates));
  o.gamma = r.number("gamma", o.gamma);
  o.max_good = static_cast<int>(r.integer("max_good", o.max_good));
  o.prior_weight = r.number("prior_weight", o.prior_weight);
  o.consider_endpoints = r.boolean("consider_endpoints", o.consider_endpoints);
  o.multivariate = r.boolean("multivariate", o.multivariate);
  o.constant_liar = r.boolean("constant_liar", o.constant_liar);
  o.energy_aware = r.boolean("energy_aware", o.energy_aware);
  o.budget_trials = static_cast<int>(r.integer("budget_trials", o.budget_trials));
  o.cost_exponent = r.number("cost_exponent", o.cost_exponent);
  o.startup_candidates = static_cast<int>(r.integer("startup_candidates", o.startup_candidates));
  r.finish();
  if (auto e = o.validate(); !e.empty()) {
    const auto colon = e.find(':');
    throw hpo::ConfigError(r.key(e.substr(0, colon)), e);
  }
  return std::make_unique<TpeSampler>(o);
}

}  // namespace samplers
