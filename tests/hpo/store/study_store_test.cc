#include "hpo/store/study_file.h"

#include <sys/stat.h>

#include <cmath>
#include <filesystem>
#include <limits>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hpo/store/trial_json.h"
#include "tests/support/storage_test_util.h"

namespace hpo {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::read_file;
using testing::sample_info;
using testing::sample_trial;
using testing::TempDir;
using testing::write_file;

fs::path journal_of(const fs::path& p) { return p.string() + ".journal"; }

// What a SIGKILL leaves behind: the study file and the journal as they are on disk now.
fs::path copy_as_crashed(const fs::path& study, const fs::path& dest) {
  fs::copy_file(study, dest, fs::copy_options::overwrite_existing);
  fs::copy_file(journal_of(study), journal_of(dest), fs::copy_options::overwrite_existing);
  return dest;
}

void expect_same_trials(const std::vector<Trial>& a, const std::vector<Trial>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i)
    EXPECT_EQ(trial_to_json(a[i]).dump(), trial_to_json(b[i]).dump()) << "record " << i;
}

std::vector<Trial> write_sample_study(const fs::path& path, int n, bool checkpoint) {
  StudyInfo info = sample_info();
  auto store = open_study_file(path, &info);
  std::vector<Trial> expected;
  for (int i = 0; i < n; ++i) {
    Trial t = sample_trial(i, i == 2 ? TrialState::kFailed : TrialState::kComplete);
    Trial started = t;
    started.reports.clear();
    store->trial_started(started);
    for (const auto& r : t.reports) store->trial_report(t.number, t.attempt, r);
    Trial finished = t;
    finished.reports.clear();  // reports journaled one by one are kept
    store->trial_finished(finished);
    expected.push_back(t);
  }
  StopRecord stop{"budget.trials", "reached 5 trials", n - 1, {{"trials", n}}, 1700000200.5};
  store->study_stopped(stop);
  store->set_attribute("coordinator_kwh", 1.25e-4);
  if (checkpoint) store->checkpoint();
  return expected;
}

TEST(StudyStore, RoundTripsEveryFieldThroughTheSnapshot) {
  TempDir dir("store");
  const fs::path path = dir / "s.h5";
  const auto expected = write_sample_study(path, 5, true);
  EXPECT_EQ(read_file(journal_of(path)).find("\"finish\""), std::string::npos)
      << "a checkpoint empties the journal";
  auto store = open_study_file_read_only(path);
  expect_same_trials(store->trials(), expected);
  const StudyInfo want = sample_info();
  EXPECT_EQ(store->info().name, want.name);
  EXPECT_EQ(store->info().source_text, want.source_text);
  EXPECT_EQ(store->info().source_path, want.source_path);
  EXPECT_EQ(store->info().spec, want.spec);
  EXPECT_EQ(store->info().param_names, want.param_names);
  ASSERT_EQ(store->info().objectives.size(), 2u);
  EXPECT_EQ(store->info().objectives[0].direction, Direction::kMaximize);
  EXPECT_EQ(store->info().host, "testhost");
  EXPECT_EQ(store->info().created_unix_s, want.created_unix_s);
  ASSERT_TRUE(store->stop_record().has_value());
  EXPECT_EQ(store->stop_record()->rule, "budget.trials");
  EXPECT_EQ(store->stop_record()->at_trial, 4);
  EXPECT_EQ(store->stop_record()->numbers["trials"], 5);
  EXPECT_EQ(store->attributes()["coordinator_kwh"], 1.25e-4);
  // Typed and conditional parameters.
  const Trial& t0 = store->trials()[0];
  EXPECT_TRUE(std::holds_alternative<std::int64_t>(t0.params.at("width")));
  EXPECT_TRUE(std::holds_alternative<bool>(t0.params.at("use_bn")));
  EXPECT_TRUE(std::holds_alternative<std::int64_t>(t0.params.at("mixed")));
  EXPECT_TRUE(std::holds_alternative<std::string>(store->trials()[1].params.at("mixed")));
  EXPECT_EQ(store->trials()[1].params.count("momentum"), 0u);
  EXPECT_EQ(std::get<double>(t0.params.at("momentum")), 0.9);
}

TEST(StudyStore, ReplaysTheJournalWhenKilledBeforeACheckpoint) {
  TempDir dir("store");
  const fs::path path = dir / "s.h5";
  StudyInfo info = sample_info();
  auto store = open_study_file(path, &info);
  std::vector<Trial> expected;
  for (int i = 0; i < 4; ++i) {
    expected.push_back(sample_trial(i));
    store->trial_finished(expected.back());
  }
  store->set_attribute("idle_kwh", 3.5);
  const fs::path crashed = copy_as_crashed(path, dir / "crashed.h5");
  auto reopened = open_study_file(crashed, nullptr);
  expect_same_trials(reopened->trials(), expected);
  EXPECT_EQ(reopened->attributes()["idle_kwh"], 3.5);
  EXPECT_TRUE(reopened->notes().empty());
}

TEST(StudyStore, ReopenedStudyKeepsGrowingAcrossSessions) {
  TempDir dir("store");
  const fs::path path = dir / "s.h5";
  auto expected = write_sample_study(path, 3, false);  // closed by the destructor
  {
    auto store = open_study_file(path, nullptr);
    expect_same_trials(store->trials(), expected);
    Trial t = sample_trial(3);
    store->trial_finished(t);
    expected.push_back(t);
  }
  auto store = open_study_file_read_only(path);
  expect_same_trials(store->trials(), expected);
}

TEST(StudyStore, IgnoresATornLastJournalLineWithANote) {
  TempDir dir("store");
  const fs::path path = dir / "s.h5";
  StudyInfo info = sample_info();
  auto store = open_study_file(path, &info);
  std::vector<Trial> expected{sample_trial(0), sample_trial(1)};
  store->trials_finished(expected);
  const fs::path crashed = copy_as_crashed(path, dir / "torn.h5");
  const std::string whole = trial_to_json(sample_trial(2)).dump();
  write_file(journal_of(crashed),
             read_file(journal_of(crashed)) + "{\"ev\":\"finish\"," + whole.substr(1, 40));
  {
    auto ro = open_study_file_read_only(crashed);
    expect_same_trials(ro->trials(), expected);
    ASSERT_EQ(ro->notes().size(), 1u);
    EXPECT_THAT(ro->notes()[0], HasSubstr("torn last line"));
    EXPECT_THAT(ro->notes()[0], HasSubstr("torn.h5.journal"));
  }
  {  // a writer drops the torn tail, so its own appends stay well-formed
    auto rw = open_study_file(crashed, nullptr);
    Trial t3 = sample_trial(3);
    rw->trial_finished(t3);
    expected.push_back(t3);
    copy_as_crashed(crashed, dir / "torn2.h5");
  }
  auto again = open_study_file_read_only(dir / "torn2.h5");
  expect_same_trials(again->trials(), expected);
  EXPECT_TRUE(again->notes().empty());
}

TEST(StudyStore, ACorruptJournalLineIsAnErrorNamingFileAndLine) {
  TempDir dir("store");
  const fs::path path = dir / "s.h5";
  StudyInfo info = sample_info();
  auto store = open_study_file(path, &info);
  store->trial_finished(sample_trial(0));
  store->trial_finished(sample_trial(1));
  const fs::path crashed = copy_as_crashed(path, dir / "bad.h5");
  std::string text = read_file(journal_of(crashed));
  const auto second = text.find('\n') + 1;  // line 2 is the first finish event
  text.insert(second, "this is not json\n");
  write_file(journal_of(crashed), text);
  try {
    open_study_file_read_only(crashed);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("bad.h5.journal:2:"));
    EXPECT_THAT(e.what(), HasSubstr("not JSON"));
  }
  // A well-formed line with a bad field: named by line and key.
  text = read_file(journal_of(path));
  text += "{\"ev\":\"finish\",\"number\":\"seven\"}\n";
  write_file(journal_of(crashed), text);
  try {
    open_study_file(crashed, nullptr);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("bad.h5.journal:4:"));
    EXPECT_THAT(e.what(), HasSubstr("'number'"));
  }
  text = read_file(journal_of(path)) + "{\"ev\":\"teleport\"}\n";
  write_file(journal_of(crashed), text);
  EXPECT_THROW(
      {
        try {
          open_study_file_read_only(crashed);
        } catch (const std::runtime_error& e) {
          EXPECT_THAT(e.what(), HasSubstr(":4: bad teleport event: unknown event"));
          throw;
        }
      },
      std::runtime_error);
}

TEST(StudyStore, ReadOnlyOpenNeverWrites) {
  TempDir dir("store");
  const fs::path path = dir / "s.h5";
  StudyInfo info = sample_info();
  auto writer = open_study_file(path, &info);
  writer->trial_finished(sample_trial(0));
  const std::string h5_before = read_file(path);
  const std::string journal_before = read_file(journal_of(path));
  struct stat st_before{};
  ::stat(path.c_str(), &st_before);
  {
    auto ro = open_study_file_read_only(path);  // beside a live writer
    ASSERT_EQ(ro->trials().size(), 1u);
    EXPECT_THROW(ro->trial_finished(sample_trial(1)), std::logic_error);
    EXPECT_THROW(ro->checkpoint(), std::logic_error);
    EXPECT_THROW(ro->set_attribute("x", 1), std::logic_error);
  }
  struct stat st_after{};
  ::stat(path.c_str(), &st_after);
  EXPECT_EQ(read_file(path), h5_before);
  EXPECT_EQ(read_file(journal_of(path)), journal_before);
  EXPECT_EQ(st_before.st_mtim.tv_nsec, st_after.st_mtim.tv_nsec);
  EXPECT_FALSE(fs::exists(dir / "s.h5.tmp"));
}

TEST(StudyStore, ResumeReturnsStartedButUnfinishedTrialsAsRunning) {
  TempDir dir("store");
  const fs::path path = dir / "s.h5";
  StudyInfo info = sample_info();
  auto store = open_study_file(path, &info);
  for (int i = 0; i < 3; ++i) {
    Trial t = sample_trial(i);
    t.attempt = 0;
    t.reports.clear();
    store->trial_started(t);
  }
  store->trial_report(1, 0, Report{1, {{"accuracy", 0.3}}, 1.0, 1e-6});
  Trial done = sample_trial(0);
  done.attempt = 0;
  store->trial_finished(done);
  store->checkpoint();  // a running trial survives a checkpoint too
  store->trial_report(2, 0, Report{4, {{"accuracy", 0.4}}, 2.0, 2e-6});
  const fs::path crashed = copy_as_crashed(path, dir / "resume.h5");

  auto resumed = open_study_file(crashed, nullptr);
  const auto& ts = resumed->trials();
  ASSERT_EQ(ts.size(), 3u);
  EXPECT_EQ(ts[0].state, TrialState::kComplete);
  EXPECT_EQ(ts[1].state, TrialState::kRunning);
  EXPECT_EQ(ts[2].state, TrialState::kRunning);
  ASSERT_EQ(ts[1].reports.size(), 1u);
  EXPECT_EQ(ts[1].reports[0].metrics.at("accuracy"), 0.3);
  ASSERT_EQ(ts[2].reports.size(), 1u);
  EXPECT_EQ(ts[2].reports[0].step, 4);
  EXPECT_EQ(ts[1].params, sample_trial(1).params);  // re-run with the same values
  // The loop re-runs trial 1 under the same key: the record is replaced, not duplicated.
  Trial rerun = sample_trial(1);
  rerun.attempt = 0;
  rerun.reports.clear();
  resumed->trial_started(rerun);
  Trial finished = sample_trial(1);
  finished.attempt = 0;
  resumed->trial_finished(finished);
  ASSERT_EQ(resumed->trials().size(), 3u);
  EXPECT_EQ(resumed->trials()[1].state, TrialState::kComplete);
}

TEST(StudyStore, ASecondWriterIsRefused) {
  TempDir dir("store");
  const fs::path path = dir / "s.h5";
  StudyInfo info = sample_info();
  auto first = open_study_file(path, &info);
  try {
    open_study_file(path, nullptr);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("s.h5.journal"));
    EXPECT_THAT(e.what(), HasSubstr("another process"));
  }
}

TEST(StudyStore, CheckpointsAutomaticallyWhenTheJournalGrows) {
  TempDir dir("store");
  const fs::path path = dir / "s.h5";
  StudyInfo info = sample_info();
  StoreOptions opts;
  opts.checkpoint_min_finished = 4;
  auto store = open_study_file(path, &info, opts);
  for (int i = 0; i < 5; ++i) store->trial_finished(sample_trial(i));
  // The fifth finish passed the threshold: the snapshot alone holds all five trials.
  fs::copy_file(path, dir / "alone.h5");
  auto alone = open_study_file_read_only(dir / "alone.h5");
  EXPECT_EQ(alone->trials().size(), 5u);
  EXPECT_EQ(read_file(journal_of(path)).find("finish"), std::string::npos);
}

TEST(StudyStore, BadOpensNameTheFile) {
  TempDir dir("store");
  try {
    open_study_file(dir / "missing.h5", nullptr);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("missing.h5: no such study file"));
  }
  write_file(dir / "text.h5", "not hdf5 at all\n");
  try {
    open_study_file_read_only(dir / "text.h5");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("text.h5: not an HDF5 file"));
  }
  StoreOptions bad;
  bad.checkpoint_min_finished = 0;
  StudyInfo info = sample_info();
  try {
    open_study_file(dir / "x.h5", &info, bad);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("checkpoint_min_finished"));
  }
}

TEST(StudyStore, ReportForAnUnknownTrialIsALogicError) {
  TempDir dir("store");
  StudyInfo info = sample_info();
  auto store = open_study_file(dir / "s.h5", &info);
  EXPECT_THROW(store->trial_report(9, 0, Report{}), std::logic_error);
}

TEST(StudyStore, EmptyStudyRoundTrips) {
  TempDir dir("store");
  StudyInfo info = sample_info();
  { auto store = open_study_file(dir / "s.h5", &info); }
  auto store = open_study_file_read_only(dir / "s.h5");
  EXPECT_TRUE(store->trials().empty());
  EXPECT_FALSE(store->stop_record().has_value());
  EXPECT_EQ(store->info().name, info.name);
}

TEST(TrialJson, RoundTripsNonFiniteNumbersAndRejectsWrongTypes) {
  Trial t = sample_trial(4);
  t.metrics["nan_metric"] = std::numeric_limits<double>::quiet_NaN();
  t.values = {std::numeric_limits<double>::infinity(), -1.0};
  const Trial back = trial_from_json(nlohmann::json::parse(trial_to_json(t).dump()));
  EXPECT_TRUE(std::isnan(back.metrics.at("nan_metric")));
  EXPECT_TRUE(std::isinf(back.values[0]));
  EXPECT_EQ(trial_to_json(back), trial_to_json(t));
  auto j = trial_to_json(t);
  j["cpu_s"] = "fast";
  try {
    trial_from_json(j);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("'cpu_s'"));
  }
  j = trial_to_json(t);
  j["state"] = "sleeping";
  EXPECT_THROW(trial_from_json(j), std::invalid_argument);
}

TEST(StudyStore, NanMetricsAndOddObjectiveVectorsSurviveTheSnapshot) {
  TempDir dir("store");
  StudyInfo info = sample_info();
  std::vector<Trial> expected;
  {
    auto store = open_study_file(dir / "s.h5", &info);
    Trial a = sample_trial(0);
    a.metrics["nan_metric"] = std::numeric_limits<double>::quiet_NaN();
    a.values = {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
    Trial b = sample_trial(1);
    b.values = {0.5};  // fewer values than objectives
    expected = {a, b};
    store->trials_finished(expected);
  }
  auto store = open_study_file_read_only(dir / "s.h5");
  expect_same_trials(store->trials(), expected);
}

}  // namespace
}  // namespace hpo
