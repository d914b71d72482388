// GpuPool: which GPUs a study hands out, and how CUDA_VISIBLE_DEVICES maps to metered GPUs.
#include "hpo/exec/gpu/gpu_pool.h"

#include <gtest/gtest.h>

namespace hpo {
namespace {

const std::string kUuid0 = "GPU-0a1b2c3d-0000-4000-8000-000000000000";
const std::string kUuid1 = "GPU-9f8e7d6c-0000-4000-8000-000000000001";
const std::string kUuid2 = "GPU-9f8e7d6c-1111-4000-8000-000000000002";

std::vector<meters::GpuDevice> three_gpus() { return {{0, kUuid0}, {1, kUuid1}, {2, kUuid2}}; }

TEST(GpuPool, MeteredGpusAreHandedOutByUuidLowestFirst) {
  auto p = GpuPool::make(1, three_gpus(), std::nullopt, 0);
  ASSERT_TRUE(p.ok()) << p.error();
  GpuPool pool = std::move(p).value();
  EXPECT_EQ(pool.size(), 3);
  EXPECT_EQ(pool.max_concurrent_trials(), 3);
  EXPECT_TRUE(pool.notes().empty());
  auto a = pool.take();
  auto b = pool.take();
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(GpuPool::visible_devices(a), kUuid0);
  EXPECT_EQ(GpuPool::meter_indices(b), std::vector<int>{1});
  pool.give_back(a);
  EXPECT_EQ(GpuPool::visible_devices(pool.take()), kUuid0);  // the freed GPU comes back first
  EXPECT_EQ(GpuPool::visible_devices(pool.take()), kUuid2);
  EXPECT_FALSE(pool.can_take());
  EXPECT_TRUE(pool.take().empty());
}

TEST(GpuPool, TwoGpusPerTrial) {
  auto p = GpuPool::make(2, three_gpus(), std::nullopt, 0);
  ASSERT_TRUE(p.ok());
  GpuPool pool = std::move(p).value();
  EXPECT_EQ(pool.max_concurrent_trials(), 1);
  auto a = pool.take();
  EXPECT_EQ(GpuPool::visible_devices(a), kUuid0 + "," + kUuid1);
  EXPECT_EQ(GpuPool::meter_indices(a), (std::vector<int>{0, 1}));
  EXPECT_FALSE(pool.can_take());  // one GPU left, two needed
}

TEST(GpuPool, CoordinatorsVisibleDevicesRestrictThePoolByUuidPrefixOrIndex) {
  // A Slurm allocation or a shared workstation: only GPUs 2 and 0, named two ways.
  auto p = GpuPool::make(1, three_gpus(), std::string("GPU-9f8e7d6c-1111, 0"), 0);
  ASSERT_TRUE(p.ok()) << p.error();
  GpuPool pool = std::move(p).value();
  EXPECT_EQ(pool.size(), 2);
  auto a = pool.take();
  auto b = pool.take();
  EXPECT_EQ(GpuPool::meter_indices(a), std::vector<int>{2});
  EXPECT_EQ(GpuPool::visible_devices(a), kUuid2);  // full UUID, whatever the prefix was
  EXPECT_EQ(GpuPool::meter_indices(b), std::vector<int>{0});
  EXPECT_EQ(GpuPool::visible_devices(b), kUuid0);
}

TEST(GpuPool, BadVisibleDevicesAreClearErrors) {
  auto unknown = GpuPool::make(1, three_gpus(), std::string("GPU-ffff"), 0);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().find("'GPU-ffff'"), std::string::npos) << unknown.error();
  auto ambiguous = GpuPool::make(1, three_gpus(), std::string("GPU-9f8e7d6c"), 0);
  ASSERT_FALSE(ambiguous.ok());
  EXPECT_NE(ambiguous.error().find("several"), std::string::npos);
  auto index = GpuPool::make(1, three_gpus(), std::string("0,7"), 0);
  ASSERT_FALSE(index.ok());
  EXPECT_NE(index.error().find("no GPU 7"), std::string::npos) << index.error();
  auto mig = GpuPool::make(1, three_gpus(), std::string("MIG-1234"), 0);
  ASSERT_FALSE(mig.ok());
  EXPECT_NE(mig.error().find("MIG"), std::string::npos);
  auto hidden = GpuPool::make(1, three_gpus(), std::string(""), 0);
  ASSERT_FALSE(hidden.ok());
  EXPECT_NE(hidden.error().find("hides every GPU"), std::string::npos);
  auto twice = GpuPool::make(1, three_gpus(), std::string("0," + kUuid0), 0);
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.error().find("twice"), std::string::npos);
  auto junk = GpuPool::make(1, three_gpus(), std::string("gpu0"), 0);
  ASSERT_FALSE(junk.ok());
}

TEST(GpuPool, TooFewGpusForOneTrialIsAnError) {
  auto p = GpuPool::make(4, three_gpus(), std::nullopt, 0);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().find("gpus_per_trial is 4 but only 3"), std::string::npos) << p.error();
}

TEST(GpuPool, WithoutAGpuMeterTheIndicesAreUnverifiedAndSaidSo) {
  auto p = GpuPool::make(1, {}, std::nullopt, 2);
  ASSERT_TRUE(p.ok());
  GpuPool pool = std::move(p).value();
  ASSERT_EQ(pool.notes().size(), 1u);
  EXPECT_NE(pool.notes()[0].find("not measured"), std::string::npos);
  auto a = pool.take();
  EXPECT_EQ(GpuPool::visible_devices(a), "0");
  EXPECT_TRUE(GpuPool::meter_indices(a).empty());  // nothing to meter
  // The coordinator's own list is passed through as given.
  auto q = GpuPool::make(1, {}, std::string("3,GPU-abc"), 0);
  ASSERT_TRUE(q.ok()) << q.error();
  GpuPool qp = std::move(q).value();
  EXPECT_EQ(GpuPool::visible_devices(qp.take()), "3");
  EXPECT_EQ(GpuPool::visible_devices(qp.take()), "GPU-abc");
}

TEST(GpuPool, NoGpusPerTrialMeansAnEmptyPool) {
  auto p = GpuPool::make(0, three_gpus(), std::nullopt, 0);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.value().size(), 0);
}

}  // namespace
}  // namespace hpo
