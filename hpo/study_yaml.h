// Loading a study from YAML (the public contract is in docs/study-yaml.md). Strict: unknown
// keys, wrong types, bad bounds, empty or duplicate choices, duplicate names, bad
// directions, placeholders naming no parameter, a missing command... each is a StudyError
// "FILE:LINE:COLUMN: KEY: what is wrong (what is allowed)". Components (sampler, pruner,
// early_stop, executor) are validated by constructing them once through the Registry.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

#include "hpo/registry.h"
#include "hpo/study_spec.h"

namespace hpo {

// A study that cannot run. what() is the full "file:line:col: key: message" text.
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

StudySpec load_study_yaml(const std::filesystem::path& path, const Registry& registry);
// Same, from text; `label` names the source in errors.
StudySpec load_study_yaml_text(const std::string& text, const std::string& label,
                               const Registry& registry);

// Checks a spec however it was built (YAML or sweep): space, objectives, command
// placeholders, budgets, and every component through the registry. Throws StudyError with
// the location of the offending key (spec.locate()).
void validate_study(const StudySpec& spec, const Registry& registry);

}  // namespace hpo
