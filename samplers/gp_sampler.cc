#include "samplers/gp_sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <Eigen/Core>
#include <tbb/parallel_for.h>

#include "hpo/core/config_error.h"
#include "hpo/core/options_reader.h"
#include "hpo/core/study_spec.h"
#include "samplers/energy_cost_model.h"
#include "samplers/gp/acquisition.h"
#include "samplers/gp/acquisition_optimizer.h"
#include "samplers/gp/encoding.h"
#include "samplers/gp/gaussian_process.h"
#include "samplers/gp/marginal_likelihood.h"
#include "samplers/random_sampler.h"
#include "samplers/rng.h"

namespace samplers {
namespace {

// Salts separating the random streams a proposal uses.
constexpr std::uint64_t kSaltParego = 1, kSaltSubset = 2, kSaltStarts = 3, kSaltRestarts = 5;
constexpr double kMinVar = 1e-12;

struct Observation {
  std::int64_t number;
  Eigen::VectorXd x;
  std::vector<double> f;  // minimization form
};

bool same_params(const hpo::Params& a, const hpo::Params& b) {
  if (a.size() != b.size()) return false;
  for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib)
    if (ia->first != ib->first || !hpo::params_equal(ia->second, ib->second)) return false;
  return true;
}

Eigen::VectorXd standardize(const Eigen::VectorXd& y) {
  const double mean = y.mean();
  const double var = (y.array() - mean).square().mean();
  const double sd = var > 1e-24 ? std::sqrt(var) : 1.0;
  return (y.array() - mean) / sd;
}

}  // namespace

struct GpSampler::Cache {
  Eigen::Index dim = -1;
  int channels = 0;
  std::int64_t fit_point = -1;
  std::vector<std::int64_t> fit_numbers;  // the observations the hyperparameters were fitted on
  std::vector<std::int64_t> numbers;      // the observations in the GPs, in order
  std::vector<Eigen::VectorXd> thetas;
  std::vector<gp::GaussianProcess> gps;
};

std::string GpSampler::Options::validate() const {
  if (n_startup_trials < 1) return "n_startup_trials: must be >= 1";
  if (refit_every < 1) return "refit_every: must be >= 1";
  if (dense_refit_until < 2) return "dense_refit_until: must be >= 2";
  if (max_fit_points < 2) return "max_fit_points: must be >= 2";
  if (fit_restarts < 0) return "fit_restarts: must be >= 0";
  if (n_candidates < 1) return "n_candidates: must be >= 1";
  if (n_starts < 1) return "n_starts: must be >= 1";
  if (max_iterations < 0) return "max_iterations: must be >= 0";
  if (cost_budget_trials < 0) return "cost_budget_trials: must be >= 0";
  if (!(cost_exponent >= 0.0) || !std::isfinite(cost_exponent))
    return "cost_exponent: must be a finite number >= 0";
  if (startup_candidates < 1) return "startup_candidates: must be >= 1";
  if (!(parego_rho >= 0.0)) return "parego_rho: must be >= 0";
  return "";
}

GpSampler::GpSampler(Options options) : options_(options), cache_(std::make_unique<Cache>()) {}
GpSampler::~GpSampler() = default;

std::int64_t GpSampler::refit_point(std::int64_t n) const {
  if (n <= options_.dense_refit_until) {
    const std::int64_t fp = (n / options_.refit_every) * options_.refit_every;
    return fp < 2 ? n : fp;
  }
  std::int64_t fp = options_.dense_refit_until;
  while (fp * 2 <= n) fp *= 2;
  return fp;
}

hpo::Params GpSampler::suggest(const hpo::StudyView& study, std::int64_t trial_number) {
  const gp::Encoding enc(study.space);
  const std::size_t m = study.objectives.size();
  std::vector<Observation> obs;
  for (const hpo::Trial& t : study.trials) {
    if (t.state != hpo::TrialState::kComplete || t.values.size() != m || m == 0) continue;
    Observation o{t.number, enc.encode(t.params), {}};
    bool finite = true;
    for (std::size_t j = 0; j < m; ++j) {
      o.f.push_back(hpo::to_minimization(t.values[j], study.objectives[j].direction));
      finite = finite && std::isfinite(o.f.back());
    }
    if (finite) obs.push_back(std::move(o));
  }
  std::stable_sort(obs.begin(), obs.end(),
                   [](const Observation& a, const Observation& b) { return a.number < b.number; });
  obs.erase(std::unique(obs.begin(), obs.end(),
                        [](const Observation& a, const Observation& b) { return a.number == b.number; }),
            obs.end());
  const auto n = static_cast<std::int64_t>(obs.size());

  // Energy awareness (CArBO): the cost model, and alpha cooling over the trial budget.
  EnergyCostModel cost_model;
  double alpha = 0.0;
  if (options_.energy_aware) {
    cost_model.fit(study);
    std::int64_t finished = 0;
    for (const auto& t : study.trials) finished += hpo::is_finished(t.state) ? 1 : 0;
    const std::int64_t budget = options_.cost_budget_trials > 0 ? options_.cost_budget_trials : 100;
    alpha = cost_model.fitted()
                ? options_.cost_exponent *
                      EnergyCostModel::cooling_exponent(static_cast<double>(finished) / static_cast<double>(budget))
                : 0.0;
  }

  if (n < std::max<std::int64_t>(options_.n_startup_trials, 2) || enc.dim() == 0) {
    // Random start-up; RandomSampler also redraws rather than repeat a running trial. When
    // energy-aware with an informative cost model: a cost-effective initial design, the best
    // of `startup_candidates` random draws by spread against predicted energy.
    const hpo::Params first = RandomSampler({options_.seed}).suggest(study, trial_number);
    if (alpha <= 0.0 || !cost_model.informative()) return first;
    std::vector<hpo::Params> cands{first};
    for (int k = 1; k < options_.startup_candidates; ++k)
      cands.push_back(RandomSampler({options_.seed ^ splitmix64(static_cast<std::uint64_t>(k))})
                          .suggest(study, trial_number));
    std::vector<hpo::Params> existing;
    for (const auto& t : study.trials)
      if (t.number != trial_number && t.state != hpo::TrialState::kInterrupted)
        existing.push_back(t.params);
    return cands[cost_model.pick_cost_effective(study.space, cands, existing, alpha)];
  }

  // Targets per channel: one per objective for 1-2 objectives, one ParEGO scalarization beyond.
  const Eigen::Index d = enc.dim();
  const int channels = m == 2 ? 2 : 1;
  const bool parego = m >= 3;
  Eigen::MatrixXd f(n, static_cast<Eigen::Index>(m));
  for (Eigen::Index i = 0; i < n; ++i)
    for (std::size_t j = 0; j < m; ++j) f(i, static_cast<Eigen::Index>(j)) = obs[i].f[j];
  std::vector<Eigen::VectorXd> y(static_cast<std::size_t>(channels));
  if (parego) {
    auto wrng = trial_rng(options_.seed, trial_number, kSaltParego);
    y[0] = standardize(gp::parego_scalarize(f, gp::random_simplex_weights(m, wrng), options_.parego_rho));
  } else {
    for (int c = 0; c < channels; ++c) y[static_cast<std::size_t>(c)] = standardize(f.col(c));
  }

  // Hyperparameters: a pure function of the first `fp` observations and the seed.
  Cache& cache = *cache_;
  const std::int64_t fp = refit_point(n);
  std::vector<std::int64_t> numbers(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) numbers[static_cast<std::size_t>(i)] = obs[static_cast<std::size_t>(i)].number;
  const std::vector<std::int64_t> fit_numbers(numbers.begin(), numbers.begin() + fp);
  const gp::HyperPrior prior;
  bool rebuild = false;
  if (cache.fit_point != fp || cache.channels != channels || cache.dim != d ||
      cache.fit_numbers != fit_numbers) {
    std::vector<std::int64_t> subset(static_cast<std::size_t>(fp));
    std::iota(subset.begin(), subset.end(), 0);
    if (fp > options_.max_fit_points) {
      auto srng = trial_rng(options_.seed, fp, kSaltSubset);
      std::shuffle(subset.begin(), subset.end(), srng);
      subset.resize(static_cast<std::size_t>(options_.max_fit_points));
      std::sort(subset.begin(), subset.end());
    }
    const auto s = static_cast<Eigen::Index>(subset.size());
    Eigen::MatrixXd xs(d, s);
    Eigen::MatrixXd fs(s, static_cast<Eigen::Index>(m));
    for (Eigen::Index i = 0; i < s; ++i) {
      xs.col(i) = obs[static_cast<std::size_t>(subset[static_cast<std::size_t>(i)])].x;
      fs.row(i) = f.row(subset[static_cast<std::size_t>(i)]);
    }
    std::vector<Eigen::VectorXd> thetas(static_cast<std::size_t>(channels));
    tbb::parallel_for(0, channels, [&](int c) {
      const Eigen::VectorXd ys =
          parego ? standardize(gp::parego_scalarize(fs, std::vector<double>(m, 1.0 / static_cast<double>(m)),
                                                    options_.parego_rho))
                 : standardize(fs.col(c));
      std::vector<Eigen::VectorXd> starts{gp::default_theta(d, prior)};
      auto rrng = trial_rng(options_.seed, fp, kSaltRestarts + static_cast<std::uint64_t>(c));
      std::normal_distribution<double> gauss(0.0, 1.0);
      for (int r = 0; r < options_.fit_restarts; ++r) {
        Eigen::VectorXd t = starts.front();
        for (Eigen::Index k = 0; k < t.size(); ++k) t(k) += gauss(rrng);
        starts.push_back(t);
      }
      thetas[static_cast<std::size_t>(c)] = gp::fit_hyperparameters(xs, ys, starts, prior).theta;
    });
    cache.thetas = std::move(thetas);
    cache.fit_point = fp;
    cache.fit_numbers = fit_numbers;
    cache.channels = channels;
    cache.dim = d;
    rebuild = true;
  }

  // The GPs over every observation: extend the cached factor when only new points arrived.
  const bool prefix = !rebuild && cache.numbers.size() <= numbers.size() &&
                      std::equal(cache.numbers.begin(), cache.numbers.end(), numbers.begin()) &&
                      cache.gps.size() == static_cast<std::size_t>(channels);
  if (prefix) {
    for (int c = 0; c < channels && !rebuild; ++c) {
      auto& g = cache.gps[static_cast<std::size_t>(c)];
      for (std::size_t i = cache.numbers.size(); i < numbers.size() && !rebuild; ++i)
        rebuild = !g.add_point(obs[i].x, y[static_cast<std::size_t>(c)](static_cast<Eigen::Index>(i)));
    }
  } else {
    rebuild = true;
  }
  if (rebuild) {
    Eigen::MatrixXd x(d, n);
    for (Eigen::Index i = 0; i < n; ++i) x.col(i) = obs[static_cast<std::size_t>(i)].x;
    cache.gps.clear();
    for (int c = 0; c < channels; ++c) {
      const Eigen::VectorXd& th = cache.thetas[static_cast<std::size_t>(c)];
      gp::GaussianProcess g(gp::Matern52Kernel::from_log(th.head(d + 1)), std::exp(th(d + 1)));
      if (!g.fit(x, y[static_cast<std::size_t>(c)])) {
        cache = Cache{};
        return RandomSampler({options_.seed}).suggest(study, trial_number);
      }
      cache.gps.push_back(std::move(g));
    }
  }
  cache.numbers = numbers;
  for (int c = 0; c < channels; ++c)
    cache.gps[static_cast<std::size_t>(c)].set_targets(y[static_cast<std::size_t>(c)]);

  // Kriging believer: running trials join as observations at the posterior mean.
  std::vector<gp::GaussianProcess> fantasy;
  std::vector<std::vector<double>> fantasy_y;  // per running trial, per channel
  for (const hpo::Trial& t : study.trials) {
    if (t.state != hpo::TrialState::kRunning || t.number == trial_number) continue;
    if (fantasy.empty()) fantasy = cache.gps;
    const Eigen::VectorXd x = enc.encode(t.params);
    std::vector<double> ys;
    for (auto& g : fantasy) {
      const double mu = g.predict(x, false).mean;
      ys.push_back(mu);
      (void)g.add_point(x, mu);  // a duplicate of an existing point is simply not added
    }
    fantasy_y.push_back(ys);
  }
  const std::vector<gp::GaussianProcess>& gps = fantasy.empty() ? cache.gps : fantasy;

  // Incumbent (1 channel) or front (2 channels), in standardized units, fantasies included.
  double best = y[0].minCoeff();
  for (const auto& fy : fantasy_y) best = std::min(best, fy[0]);
  gp::Front2d front;
  std::vector<Eigen::VectorXd> anchors;
  if (channels == 2) {
    std::vector<std::array<double, 2>> pts;
    for (Eigen::Index i = 0; i < n; ++i) pts.push_back({y[0](i), y[1](i)});
    for (const auto& fy : fantasy_y) pts.push_back({fy[0], fy[1]});
    std::array<double, 2> ref{};
    for (int c = 0; c < 2; ++c) {
      double lo = std::numeric_limits<double>::infinity(), hi = -lo;
      for (const auto& p : pts) lo = std::min(lo, p[static_cast<std::size_t>(c)]), hi = std::max(hi, p[static_cast<std::size_t>(c)]);
      ref[static_cast<std::size_t>(c)] = hi + 0.1 * std::max(hi - lo, 1e-6);
    }
    front = gp::make_front_2d(pts, ref);
    for (Eigen::Index i = 0; i < n; ++i)
      for (const auto& p : front.points)
        if (p[0] == y[0](i) && p[1] == y[1](i)) { anchors.push_back(obs[static_cast<std::size_t>(i)].x); break; }
  } else {
    std::vector<Eigen::Index> idx(static_cast<std::size_t>(n));
    std::iota(idx.begin(), idx.end(), 0);
    std::stable_sort(idx.begin(), idx.end(), [&](Eigen::Index a, Eigen::Index b) { return y[0](a) < y[0](b); });
    for (std::size_t i = 0; i < idx.size() && i < 8; ++i) anchors.push_back(obs[static_cast<std::size_t>(idx[i])].x);
  }

  auto log_cost = [&](const Eigen::VectorXd& x) {
    return cost_model.predict_log_kwh(study.space, enc.decode(x));
  };

  // Acquisition as a function of the posterior (mean, sigma) per channel.
  auto acq_of = [&](const double* mu, const double* sd) -> double {
    if (channels == 2) return gp::log_ehvi_2d(front, {mu[0], mu[1]}, {sd[0], sd[1]});
    return gp::log_expected_improvement(mu[0], sd[0], best).value;
  };
  gp::AcquisitionProblem problem;
  problem.value = [&](const Eigen::VectorXd& x, Eigen::VectorXd* grad) -> double {
    double mu[2], sd[2];
    std::vector<gp::Prediction> preds;
    for (int c = 0; c < channels; ++c) {
      preds.push_back(gps[static_cast<std::size_t>(c)].predict(x, grad != nullptr));
      mu[c] = preds.back().mean;
      sd[c] = std::sqrt(std::max(preds.back().var, kMinVar));
    }
    double v = acq_of(mu, sd);
    if (grad) {
      grad->setZero(d);
      if (!std::isfinite(v)) return v;
      if (channels == 1) {
        const gp::LogEi e = gp::log_expected_improvement(mu[0], sd[0], best);
        *grad = e.d_mean * preds[0].mean_grad;
        if (preds[0].var > kMinVar) *grad += e.d_sigma * preds[0].var_grad / (2.0 * sd[0]);
      } else {
        // d acq / d(mu_c, sigma_c) by central differences (cheap: O(front)), chained with the
        // GP's analytic gradients.
        for (int c = 0; c < 2; ++c) {
          double a[2] = {mu[0], mu[1]}, b[2] = {mu[0], mu[1]};
          const double hm = 1e-6 * std::max(1.0, std::abs(mu[c]));
          a[c] += hm;
          b[c] -= hm;
          const double dmu = (acq_of(a, sd) - acq_of(b, sd)) / (2.0 * hm);
          double sa[2] = {sd[0], sd[1]}, sb[2] = {sd[0], sd[1]};
          const double hs = 1e-6 * sd[c];
          sa[c] += hs;
          sb[c] -= hs;
          const double dsd = (acq_of(mu, sa) - acq_of(mu, sb)) / (2.0 * hs);
          *grad += dmu * preds[static_cast<std::size_t>(c)].mean_grad;
          if (preds[static_cast<std::size_t>(c)].var > kMinVar)
            *grad += dsd * preds[static_cast<std::size_t>(c)].var_grad / (2.0 * sd[c]);
        }
      }
    }
    if (alpha > 0.0) {
      v -= alpha * log_cost(x);
      if (grad) {
        for (Eigen::Index k = 0; k < d; ++k) {
          Eigen::VectorXd a = x, b = x;
          a(k) = std::min(1.0, x(k) + 1e-4);
          b(k) = std::max(0.0, x(k) - 1e-4);
          (*grad)(k) -= alpha * (log_cost(a) - log_cost(b)) / (a(k) - b(k));
        }
      }
    }
    return v;
  };
  problem.batch = [&](const Eigen::MatrixXd& xs) -> Eigen::VectorXd {
    const Eigen::Index cols = xs.cols();
    std::vector<Eigen::VectorXd> means(static_cast<std::size_t>(channels)), vars(static_cast<std::size_t>(channels));
    for (int c = 0; c < channels; ++c)
      gps[static_cast<std::size_t>(c)].predict_batch(xs, &means[static_cast<std::size_t>(c)], &vars[static_cast<std::size_t>(c)]);
    Eigen::VectorXd out(cols);
    for (Eigen::Index j = 0; j < cols; ++j) {
      double mu[2], sd[2];
      for (int c = 0; c < channels; ++c) {
        mu[c] = means[static_cast<std::size_t>(c)](j);
        sd[c] = std::sqrt(std::max(vars[static_cast<std::size_t>(c)](j), kMinVar));
      }
      out(j) = acq_of(mu, sd) - (alpha > 0.0 ? alpha * log_cost(xs.col(j)) : 0.0);
    }
    return out;
  };
  problem.snap = [&](const Eigen::VectorXd& x) { return enc.snap(x); };

  gp::OptimizerOptions oo;
  // Screening costs O(n^2) per candidate: shrink it as n grows (never below 64) so a proposal
  // stays cheap at 1,000 trials; the L-BFGS-B starts do the fine search.
  oo.n_candidates = static_cast<int>(std::clamp<std::int64_t>(
      options_.n_candidates * 256 / std::max<std::int64_t>(n, 256), std::min(64, options_.n_candidates),
      options_.n_candidates));
  oo.n_starts = options_.n_starts;
  oo.n_local = options_.n_starts / 2;
  oo.max_iterations = options_.max_iterations;
  auto rng = trial_rng(options_.seed, trial_number, kSaltStarts);
  const auto ranked = gp::maximize_acquisition(problem, d, anchors, oo, rng);

  // The best proposal that no earlier or running trial already has.
  for (const auto& r : ranked) {
    hpo::Params p = enc.decode(r.x);
    const bool taken = std::any_of(study.trials.begin(), study.trials.end(), [&](const hpo::Trial& t) {
      hpo::Params tp = t.params;
      for (auto it = tp.begin(); it != tp.end();)
        it = study.space.find(it->first) && study.space.find(it->first)->kind == hpo::ParamKind::kFixed
                 ? tp.erase(it) : std::next(it);
      return same_params(tp, p);
    });
    if (!taken) return p;
  }
  return RandomSampler({options_.seed}).suggest(study, trial_number);
}

std::unique_ptr<hpo::Sampler> GpSampler::create(const hpo::ComponentSpec& spec,
                                                const hpo::FactoryContext& context) {
  hpo::OptionsReader r(spec.options, spec.key);
  Options o;
  o.seed = static_cast<std::uint64_t>(r.integer("seed", 0));
  o.n_startup_trials = static_cast<int>(r.integer("n_startup_trials", o.n_startup_trials));
  o.refit_every = static_cast<int>(r.integer("refit_every", o.refit_every));
  o.dense_refit_until = static_cast<int>(r.integer("dense_refit_until", o.dense_refit_until));
  o.max_fit_points = static_cast<int>(r.integer("max_fit_points", o.max_fit_points));
  o.fit_restarts = static_cast<int>(r.integer("fit_restarts", o.fit_restarts));
  o.n_candidates = static_cast<int>(r.integer("n_candidates", o.n_candidates));
  o.n_starts = static_cast<int>(r.integer("n_starts", o.n_starts));
  o.max_iterations = static_cast<int>(r.integer("max_iterations", o.max_iterations));
  o.energy_aware = r.boolean("energy_aware", o.energy_aware);
  o.cost_budget_trials = r.integer("cost_budget_trials", o.cost_budget_trials);
  o.cost_exponent = r.number("cost_exponent", o.cost_exponent);
  o.startup_candidates = static_cast<int>(r.integer("startup_candidates", o.startup_candidates));
  o.parego_rho = r.number("parego_rho", o.parego_rho);
  r.finish();
  if (o.cost_budget_trials == 0 && context.study && context.study->budget.trials)
    o.cost_budget_trials = *context.study->budget.trials;
  if (const std::string err = o.validate(); !err.empty()) {
    const auto colon = err.find(':');
    throw hpo::ConfigError(r.key(err.substr(0, colon)), r.key(err.substr(0, colon)) + err.substr(colon));
  }
  return std::make_unique<GpSampler>(o);
}

}  // namespace samplers
