// The study loop's small public helpers: building the components from the spec, the study
// file's StudyInfo, and the summary text (hpo/study_loop.h).
#include <unistd.h>

#include <chrono>
#include <sstream>

#include "hpo/spec/spec_json.h"
#include "hpo/study/study_loop.h"

namespace hpo {

std::string_view to_string(Termination t) {
  switch (t) {
    case Termination::kBudget: return "budget";
    case Termination::kStopRule: return "stop_rule";
    case Termination::kExhausted: return "exhausted";
    case Termination::kInterrupted: return "interrupted";
    case Termination::kLaunchError: return "launch_error";
  }
  return "unknown";
}

std::string StudySummary::brief_report() const {
  std::ostringstream os;
  const auto& p = progress;
  os << "stopped: " << stop.rule << (stop.message.empty() ? "" : " - " + stop.message) << "\n"
     << "trials: " << p.done << " done (" << p.complete << " complete, " << p.pruned
     << " pruned, " << p.failed << " failed, " << p.interrupted << " interrupted attempts)";
  if (resumed_reruns > 0) os << ", " << resumed_reruns << " re-run after resume";
  os << "\n";
  const double total = trial_kwh + sampler_kwh;
  os.precision(4);
  os << "energy: " << total << " kWh (trials " << trial_kwh << ", optimizer " << sampler_kwh;
  if (total > 0) os << " = " << 100.0 * sampler_kwh / total << "%";
  os << "), CO2e " << co2e_kg << " kg, front " << p.front_size << " trials, elapsed "
     << p.elapsed_s << " s\n";
  return os.str();
}

StudyParts make_study_parts(const StudySpec& spec, const Registry& registry,
                            meters::Meter* meter, const CarbonAccountant* carbon) {
  StudyParts parts;
  FactoryContext ctx{&spec, meter};
  parts.sampler = registry.make_sampler(spec.sampler, ctx);
  if (spec.pruner) parts.pruner = registry.make_pruner(*spec.pruner, ctx);
  for (const auto& rule : spec.early_stop) {
    parts.stop_rules.push_back(registry.make_stop_rule(rule, ctx));
  }
  parts.executor = registry.make_executor(spec.executor, ctx);
  parts.meter = meter;
  parts.carbon = carbon;
  return parts;
}

StudyInfo make_study_info(const StudySpec& spec) {
  StudyInfo info;
  info.name = spec.name;
  info.source_text = spec.source_text;
  info.source_path = spec.source_path;
  info.spec = spec_to_json(spec);
  info.objectives = spec.objectives;
  for (const auto& p : spec.space.params) info.param_names.push_back(p.name);
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) == 0) info.host = host;
  info.ecohpo_version = ECOHPO_VERSION;
  info.created_unix_s = std::chrono::duration<double>(
      std::chrono::system_clock::now().time_since_epoch()).count();
  return info;
}

}  // namespace hpo
