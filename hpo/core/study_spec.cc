#include "hpo/core/study_spec.h"

namespace hpo {

SourceLocation StudySpec::locate(const std::string& key) const {
  // The nearest written ancestor: "/sampler/gamma" falls back to "/sampler".
  std::string k = key;
  while (true) {
    auto it = locations.find(k);
    if (it != locations.end()) return it->second;
    auto slash = k.rfind('/');
    if (slash == std::string::npos || k.empty()) break;
    k = k.substr(0, slash);
  }
  return SourceLocation{source_path, 0, 0};
}

}  // namespace hpo
