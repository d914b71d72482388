// Export a study as CodeCarbon's emissions.csv (mlco2/codecarbon output_methods/
// emissions_data.py column order), one row per trial attempt, so dashboards that read
// CodeCarbon files read ecohpo studies. As in CodeCarbon, cpu/gpu/ram energy and
// energy_consumed include PUE; emissions is kg CO2e (embodied share included). ecohpo adds
// columns after CodeCarbon's: trial_number, attempt, state, energy_source, estimated,
// intensity_g_per_kwh, intensity_source, sampler_kwh, embodied_kg.
#pragma once

#include <ostream>

#include "hpo/core/study_store.h"

namespace hpo {

void export_codecarbon_csv(const StudyStore& store, std::ostream& out);

}  // namespace hpo
