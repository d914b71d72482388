// Registry: YAML `type` -> factory, for each pluggable concept. No static registration and
// no global state: the CLI builds one Registry, each folder adds its implementations with a
// register_*() function (samplers::register_samplers, hpo::register_pruners, ...), and the
// study loader uses it to validate every component before anything runs.
//
// A factory reads its Options from spec.options (see options_reader.h), validates them and
// throws ConfigError naming the key on bad input.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hpo/core/component_spec.h"
#include "hpo/core/executor.h"
#include "hpo/core/pruner.h"
#include "hpo/core/sampler.h"
#include "hpo/core/stop_rule.h"

namespace meters { class Meter; }

namespace hpo {

struct StudySpec;
struct Registry;

// What factories may need from the study besides their own options.
struct FactoryContext {
  const StudySpec* study = nullptr;
  meters::Meter* meter = nullptr;  // executors meter their trials with it (may be null)
  // The registry the factory was called through (Registry::make_* fills it in), so that a
  // component can build a nested one by type: patience's `wrapped` pruner.
  const Registry* registry = nullptr;
};

template <class T>
using Factory = std::function<std::unique_ptr<T>(const ComponentSpec&, const FactoryContext&)>;

struct Registry {
  std::map<std::string, Factory<Sampler>> samplers;
  std::map<std::string, Factory<Pruner>> pruners;
  std::map<std::string, Factory<StopRule>> stop_rules;
  std::map<std::string, Factory<Executor>> executors;

  // Throw ConfigError(spec.key + "/type", "unknown sampler 'x'; known: a, b") when missing.
  std::unique_ptr<Sampler> make_sampler(const ComponentSpec& s, const FactoryContext& c) const;
  std::unique_ptr<Pruner> make_pruner(const ComponentSpec& s, const FactoryContext& c) const;
  std::unique_ptr<StopRule> make_stop_rule(const ComponentSpec& s, const FactoryContext& c) const;
  std::unique_ptr<Executor> make_executor(const ComponentSpec& s, const FactoryContext& c) const;
};

}  // namespace hpo
