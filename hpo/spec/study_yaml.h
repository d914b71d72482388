// Loading a study from YAML (the public contract is in docs/study-yaml.md). Strict: unknown
// keys, wrong types, bad bounds, empty or duplicate choices, duplicate names, bad
// directions, placeholders naming no parameter, a missing command... each is a StudyError
// "FILE:LINE:COLUMN: KEY: what is wrong (what is allowed)". Components (sampler, pruner,
// early_stop, executor) are validated by constructing them once through the Registry.
//
//   hpo::Registry registry;
//   samplers::register_samplers(registry);  // ... and the other register_*() functions
//   hpo::StudySpec spec = hpo::load_study_yaml("study.yaml", registry);  // loads + validates
//
// Scalars keep their YAML 1.2 (core schema) types: `1` is an int, `1.0` a float, `true` a
// bool, `"1"` (quoted) a string. Every key's line and column is kept in spec.locations under
// its path ("/space/lr/low", "/objectives/1/direction"), so errors found later can point at
// the file too.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

#include "hpo/core/config_error.h"
#include "hpo/core/registry.h"
#include "hpo/core/study_spec.h"

namespace hpo {

// A study that cannot run. what() is the full "file:line:col: key: message" text
// ("file: word N: key: message" for command-line words, "file: key: message" when the
// position is unknown; the key part is left out when empty, as for YAML syntax errors).
class StudyError : public std::runtime_error {
 public:
  StudyError(SourceLocation where, std::string key, const std::string& message);
  const SourceLocation& where() const { return where_; }
  const std::string& key() const { return key_; }
  const std::string& message() const { return message_; }

 private:
  SourceLocation where_;
  std::string key_;
  std::string message_;
};

// Reads, parses and validates (validate_study) a study file. A file that cannot be read is a
// StudyError at {path, 0, 0}. Relative paths inside the study (storage, work_dir,
// carbon.intensity_csv) are kept as written: they are relative to the directory ecohpo runs
// in, like the command line's paths, not to the YAML file.
StudySpec load_study_yaml(const std::filesystem::path& path, const Registry& registry);
// Same, from text; `label` names the source in errors.
StudySpec load_study_yaml_text(const std::string& text, const std::string& label,
                               const Registry& registry);
// Parses without validate_study (only syntax, key names and value types are checked), for
// tools and tests that look at a study without a Registry.
StudySpec parse_study_yaml_text(const std::string& text, const std::string& label);

// Checks a spec however it was built (YAML or sweep): space, objectives, command
// placeholders, budgets, the carbon intensity source (CarbonAccountant: CSV readable,
// region known), and every component through the registry. Throws StudyError with
// the location of the offending key (spec.locate()). A component kind for which `registry`
// has no factory at all (e.g. a Registry with only samplers registered) is not constructed;
// the CLI registers every kind, so there each component is checked.
void validate_study(const StudySpec& spec, const Registry& registry);

// A ConfigError raised later by a component (key "/carbon/region", "/sampler/gamma") as a
// StudyError at the place the key was written:  catch (const ConfigError& e) { throw
// located_error(spec, e); }
StudyError located_error(const StudySpec& spec, const ConfigError& error);

// The meter names a study may list in `meters:`.
const std::vector<std::string>& known_meter_names();

}  // namespace hpo
