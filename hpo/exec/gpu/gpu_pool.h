// GpuPool: the GPUs a study may hand to its trials (`gpus_per_trial: N`), and which are free.
//
// Each trial gets N GPUs of its own. The pool is built from the GPUs the meter measures
// (NVML numbers them in PCI bus order and knows their UUIDs) and, when the coordinator itself
// runs with CUDA_VISIBLE_DEVICES set (a Slurm allocation, a shared workstation), restricted
// to the GPUs that variable names: UUIDs (`GPU-...`, any unique prefix, as CUDA accepts them)
// or integers (taken as NVML's PCI-bus order, which is CUDA's order under
// CUDA_DEVICE_ORDER=PCI_BUS_ID and, on a node of identical GPUs, its default order too).
// A trial is then given CUDA_VISIBLE_DEVICES as the UUIDs of its GPUs, which mean the same
// GPUs to every CUDA program whatever its device order, and is charged the energy of
// exactly those GPUs (docs/metering.md, "GPUs"). Without a GPU meter the pool is the
// variable's entries (or 0..N-1) unverified, and the notes say that GPU energy is not measured.
//
// Not thread-safe: the study loop owns it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hpo/base/result.h"
#include "meters/meter.h"

namespace hpo {

class GpuPool {
 public:
  struct Gpu {
    int meter_index = -1;  // index in the meter's numbering; -1 when no meter knows it
    std::string token;     // what CUDA_VISIBLE_DEVICES gets for it (UUID, or an index)
  };

  // metered: the meter's GPUs (Meter::gpus()); visible: the coordinator's
  // CUDA_VISIBLE_DEVICES, if set; unverified_count: how many GPUs to assume (numbered
  // 0..count-1) when there is neither. Errors: an entry of `visible` that names no metered
  // GPU, a MIG device, an empty pool, fewer GPUs than `gpus_per_trial`.
  static Result<GpuPool> make(int gpus_per_trial, const std::vector<meters::GpuDevice>& metered,
                              const std::optional<std::string>& visible, int unverified_count);

  int gpus_per_trial() const { return gpus_per_trial_; }
  const std::vector<Gpu>& all() const { return all_; }
  int size() const { return static_cast<int>(all_.size()); }
  // How many trials can hold GPUs at once (size / gpus_per_trial).
  int max_concurrent_trials() const;
  bool can_take() const { return static_cast<int>(free_.size()) >= gpus_per_trial_; }
  // gpus_per_trial free GPUs (lowest first); empty when !can_take().
  std::vector<Gpu> take();
  void give_back(const std::vector<Gpu>& gpus);
  // Notes for the study log (e.g. "GPU energy not measured: no GPU meter").
  const std::vector<std::string>& notes() const { return notes_; }

  // CUDA_VISIBLE_DEVICES for a trial holding `gpus`; the meter indices for its MeterTarget.
  static std::string visible_devices(const std::vector<Gpu>& gpus);
  static std::vector<int> meter_indices(const std::vector<Gpu>& gpus);

 private:
  int gpus_per_trial_ = 0;
  std::vector<Gpu> all_;
  std::vector<Gpu> free_;  // kept sorted by position in all_
  std::vector<std::string> notes_;
};

}  // namespace hpo
