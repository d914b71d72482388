#include "hpo/core/registry.h"

#include "hpo/core/config_error.h"

namespace hpo {
namespace {

template <class T>
std::unique_ptr<T> make(const std::map<std::string, Factory<T>>& factories, const char* what,
                        const ComponentSpec& spec, const FactoryContext& given,
                        const Registry* self) {
  // A factory that builds a nested component (patience's wrapped pruner) finds the registry
  // it was called through in its context.
  FactoryContext ctx = given;
  if (ctx.registry == nullptr) ctx.registry = self;
  auto it = factories.find(spec.type);
  if (it == factories.end()) {
    std::string known;
    for (const auto& [name, f] : factories) known += (known.empty() ? "" : ", ") + name;
    throw ConfigError(spec.key + "/type",
                      std::string("unknown ") + what + " '" + spec.type + "'; known: " + known);
  }
  return it->second(spec, ctx);
}

}  // namespace

std::unique_ptr<Sampler> Registry::make_sampler(const ComponentSpec& s,
                                                const FactoryContext& c) const {
  return make(samplers, "sampler", s, c, this);
}
std::unique_ptr<Pruner> Registry::make_pruner(const ComponentSpec& s,
                                              const FactoryContext& c) const {
  return make(pruners, "pruner", s, c, this);
}
std::unique_ptr<StopRule> Registry::make_stop_rule(const ComponentSpec& s,
                                                   const FactoryContext& c) const {
  return make(stop_rules, "stop rule", s, c, this);
}
std::unique_ptr<Executor> Registry::make_executor(const ComponentSpec& s,
                                                  const FactoryContext& c) const {
  return make(executors, "executor", s, c, this);
}

}  // namespace hpo
