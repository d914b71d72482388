// End-to-end training on the shipped digits data: accuracy, determinism, threads, options.
#include "objectives/mlp/trainer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace objectives::mlp {
namespace {

const DataSplits& digits() {
  static const DataSplits d =
      load_digits_splits(std::string(ECOHPO_SOURCE_DIR) + "/objectives/data/digits.csv.gz");
  return d;
}

TEST(Train, DefaultOptionsAreValid) { EXPECT_EQ(TrainOptions{}.validate(), ""); }

TEST(Train, DigitsReachesNinetyPercentInAFewEpochs) {
  TrainOptions o;
  o.layers = 1;
  o.width = 64;
  o.epochs = 8;
  o.optimizer.lr = 0.01;
  o.seed = 1;
  std::vector<EpochReport> reports;
  const TrainSummary s = train_mlp(digits(), o, [&](const EpochReport& r) { reports.push_back(r); });
  ASSERT_EQ(reports.size(), 8u);
  for (std::size_t i = 0; i < reports.size(); ++i) EXPECT_EQ(reports[i].epoch, static_cast<int>(i) + 1);
  EXPECT_GT(s.val_accuracy, 0.9);
  EXPECT_GT(s.test_accuracy, 0.88);
  EXPECT_LT(reports.back().train_loss, reports.front().train_loss);
  EXPECT_DOUBLE_EQ(s.val_accuracy, reports.back().val_accuracy);
  EXPECT_EQ(s.n_params, 64 * 64 + 64 + 64 * 10 + 10);
  EXPECT_EQ(s.n_train, digits().train.size());
  EXPECT_EQ(s.epochs_run, 8);
  EXPECT_FALSE(s.diverged);
}

TEST(Train, SameSeedSameRunDifferentSeedDifferentRun) {
  TrainOptions o;
  o.layers = 2;
  o.width = 16;
  o.epochs = 3;
  o.dropout = 0.2;
  o.optimizer.kind = OptimizerKind::kSgd;
  o.optimizer.lr = 0.05;
  o.seed = 5;
  std::vector<double> a, b, c;
  (void)train_mlp(digits(), o, [&](const EpochReport& r) { a.push_back(r.train_loss); });
  (void)train_mlp(digits(), o, [&](const EpochReport& r) { b.push_back(r.train_loss); });
  o.seed = 6;
  (void)train_mlp(digits(), o, [&](const EpochReport& r) { c.push_back(r.train_loss); });
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(Train, TwoThreadsTrainTheSameModelUpToRounding) {
  TrainOptions o;
  o.layers = 2;
  o.width = 32;
  o.epochs = 3;
  o.dropout = 0.1;
  o.seed = 2;
  const TrainSummary one = train_mlp(digits(), o);
  o.threads = 2;
  const TrainSummary two = train_mlp(digits(), o);
  // The random stream does not depend on threads; only float summation order differs.
  EXPECT_NEAR(one.val_accuracy, two.val_accuracy, 0.02);
  EXPECT_NEAR(one.test_accuracy, two.test_accuracy, 0.02);
}

TEST(Train, DataFractionAndCapShrinkTheTrainingSet) {
  TrainOptions o;
  o.epochs = 1;
  o.width = 8;
  o.data_fraction = 0.25;
  o.sampling = Sampling::kStratified;
  EXPECT_EQ(train_mlp(digits(), o).n_train, std::llround(0.25 * static_cast<double>(digits().train.size())));
  o.max_train = 100;
  EXPECT_EQ(train_mlp(digits(), o).n_train, 100);
}

TEST(Train, DivergenceStopsTrainingAndIsReported) {
  TrainOptions o;
  o.epochs = 5;
  o.optimizer.kind = OptimizerKind::kSgd;
  o.optimizer.lr = 1e30;
  o.optimizer.momentum = 0.0;
  const TrainSummary s = train_mlp(digits(), o);
  EXPECT_TRUE(s.diverged);
  EXPECT_LT(s.epochs_run, 5);
  EXPECT_GE(s.val_accuracy, 0.0);
  EXPECT_LE(s.val_accuracy, 1.0);
}

TEST(Train, InvalidOptionsNameTheFlag) {
  TrainOptions o;
  o.dropout = 1.0;
  EXPECT_NE(o.validate().find("--dropout"), std::string::npos);
  o = {};
  o.data_fraction = 0;
  EXPECT_NE(o.validate().find("--data-fraction"), std::string::npos);
  o = {};
  o.optimizer.weight_decay = -1;
  EXPECT_NE(o.validate().find("--weight-decay"), std::string::npos);
  o = {};
  o.optimizer.lr = -1;
  EXPECT_NE(o.validate().find("--lr"), std::string::npos);
  EXPECT_THROW((void)train_mlp(digits(), o), std::invalid_argument);
}

}  // namespace
}  // namespace objectives::mlp
