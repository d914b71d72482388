// Grid carbon intensity by region, from the tables shipped in meters/data (CodeCarbon's
// copies of OWID, EPA eGRID2016, Google Cloud and ENTSO-E figures; attribution in
// meters/data/README.md). A region is, in lookup order:
//   a Google Cloud region ("europe-west1"),
//   a Nordic bidding zone ("SE3", "NO1", or "FI-FI" for Finland's zone),
//   a US state ("US-CA", "US-california") from eGRID2016 (lb/MWh converted to g/kWh),
//   a Canadian province ("CA-QC") from its generation mix x per-source factors,
//   an ISO 3166-1 country, alpha-2 ("IE") or alpha-3 ("IRL"), from OWID's generation intensity
//   (recomputed from the mix when the table has 0).
// Unknown regions are an error; the caller falls back to the world average only when no
// region was given at all (CodeCarbon's 475 g/kWh, IEA 2019).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "hpo/base/result.h"

namespace meters {

struct RegionIntensity {
  double g_per_kwh = 0.0;
  std::string key;          // canonical: "IRL", "europe-west1", "US-CA", "CA-QC", "SE3"
  std::string name;         // "Ireland", "Google Cloud europe-west1 (Belgium)", ...
  std::string provenance;   // "OWID 2023", "Google Cloud", "EPA eGRID2016", ...
};

class IntensityTables {
 public:
  // Reads every table under `dir`; the error names the file.
  static hpo::Result<IntensityTables> load(const std::string& dir);
  hpo::Result<RegionIntensity> lookup(const std::string& region) const;
  double world_average_g_per_kwh() const { return world_average_; }

 private:
  std::map<std::string, RegionIntensity> country_;  // alpha-3
  std::map<std::string, std::string> alpha2_;       // alpha-2 -> alpha-3
  std::map<std::string, RegionIntensity> cloud_;    // lower-case region id
  std::map<std::string, RegionIntensity> us_;       // state code
  std::map<std::string, RegionIntensity> canada_;   // province code
  std::map<std::string, RegionIntensity> nordic_;   // zone
  double world_average_ = 475.0;
};

inline constexpr double kWorldAverageGPerKwh = 475.0;

}  // namespace meters
