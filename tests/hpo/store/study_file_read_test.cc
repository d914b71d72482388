// The compact in-memory trial and the sliced study-file reader (issue 2, open under 200 MB):
// row-slice reads of hpo::h5 columns, read_study_h5 giving the same trials whatever the slice
// size, exact per-trial reservations, and the flat-map Params/MetricMap behaving like the
// std::map they replace.
#include <cmath>
#include <filesystem>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hpo/store/detail/h5_file.h"
#include "hpo/store/detail/journal.h"
#include "hpo/store/study_file.h"
#include "hpo/store/detail/study_h5.h"
#include "hpo/store/trial_json.h"
#include "tests/support/storage_test_util.h"

namespace hpo {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::sample_info;
using testing::sample_trial;
using testing::TempDir;
using testing::write_file;

TEST(H5Slices, ReadRowRangesOfEveryColumnType) {
  TempDir dir("h5slice");
  const fs::path path = dir / "c.h5";
  std::vector<double> f;
  std::vector<std::int64_t> i64;
  std::vector<std::int32_t> i32;
  std::vector<std::int8_t> i8;
  std::vector<std::string> s;
  for (int k = 0; k < 10; ++k) {
    f.push_back(k + 0.5);
    i64.push_back(std::int64_t{1} << (k + 33));
    i32.push_back(-k);
    i8.push_back(static_cast<std::int8_t>(k % 2));
    s.push_back(k % 3 == 0 ? "" : "row " + std::to_string(k) + " ünïcode");
  }
  {
    h5::File file = h5::File::create(path);
    h5::Group root = file.root();
    root.write("f", std::span<const double>(f));
    root.write("i64", std::span<const std::int64_t>(i64));
    root.write("i32", std::span<const std::int32_t>(i32));
    root.write("i8", std::span<const std::int8_t>(i8));
    root.write("s", std::span<const std::string>(s));
    file.close();
  }
  h5::File file = h5::File::open_read(path);
  h5::Group root = file.root();
  EXPECT_EQ(root.length("s"), 10u);
  auto sub = [](const auto& v, std::size_t off, std::size_t n) {
    return std::vector<typename std::decay_t<decltype(v)>::value_type>(v.begin() + off,
                                                                      v.begin() + off + n);
  };
  for (std::size_t off : {0u, 3u, 7u}) {
    const std::size_t n = 10 - off < 3 ? 10 - off : 3;
    EXPECT_EQ(root.read_f64("f", off, n), sub(f, off, n));
    EXPECT_EQ(root.read_i64("i64", off, n), sub(i64, off, n));
    EXPECT_EQ(root.read_i32("i32", off, n), sub(i32, off, n));
    EXPECT_EQ(root.read_i8("i8", off, n), sub(i8, off, n));
    EXPECT_EQ(root.read_strings("s", off, n), sub(s, off, n));
  }
  EXPECT_EQ(root.read_strings("s", 0, 10), s);
  EXPECT_TRUE(root.read_f64("f", 10, 0).empty());  // an empty slice at the end is fine
  try {
    root.read_strings("s", 8, 3);
    FAIL() << "a slice past the end must throw";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("c.h5"));
    EXPECT_THAT(e.what(), HasSubstr("/s"));
    EXPECT_THAT(e.what(), HasSubstr("has 10"));
  }
  EXPECT_THROW(root.read_f64("f", 11, 0), std::runtime_error);
  EXPECT_THROW(root.length("nope"), std::runtime_error);
}

StudySnapshot sample_snapshot(int n) {
  StudySnapshot snap;
  snap.info = sample_info();
  for (int i = 0; i < n; ++i) {
    Trial t = sample_trial(i, i % 7 == 3 ? TrialState::kFailed : TrialState::kComplete);
    if (i % 5 == 0) t.metrics["only_some"] = 1.0 / (i + 1);  // a sparse metric column
    if (i % 4 == 1) t.metrics["nan_metric"] = std::nan("");   // kept through record_json
    if (i % 6 == 2) t.energy.components.clear();               // no component rows
    if (i % 3 == 0) t.energy.trace.push_back({2.0, 1.0 * i});  // three trace samples
    if (i % 8 == 5) t.reports.clear();
    snap.trials.push_back(std::move(t));
  }
  return snap;
}

TEST(StudyFileRead, SlicedReadGivesTheSameTrialsWhateverTheSliceSize) {
  TempDir dir("slices");
  const fs::path path = dir / "s.h5";
  const StudySnapshot snap = sample_snapshot(23);
  write_study_h5(path, snap);
  for (std::size_t slice : {std::size_t{1}, std::size_t{4}, std::size_t{7}, std::size_t{23},
                            kStudyReadSliceRows}) {
    const StudySnapshot back = read_study_h5(path, {.slice_rows = slice});
    ASSERT_EQ(back.trials.size(), snap.trials.size()) << "slice " << slice;
    for (std::size_t i = 0; i < back.trials.size(); ++i)
      EXPECT_EQ(trial_to_json(back.trials[i]).dump(), trial_to_json(snap.trials[i]).dump())
          << "slice " << slice << ", trial " << i;
  }
}

TEST(StudyFileRead, PerTrialContainersAreReservedExactly) {
  TempDir dir("exact");
  const fs::path path = dir / "s.h5";
  write_study_h5(path, sample_snapshot(19));
  const StudySnapshot back = read_study_h5(path, {.slice_rows = 5});
  for (const Trial& t : back.trials) {
    EXPECT_EQ(t.params.capacity(), t.params.size()) << "trial " << t.number;
    EXPECT_EQ(t.metrics.capacity(), t.metrics.size()) << "trial " << t.number;
    EXPECT_EQ(t.reports.capacity(), t.reports.size()) << "trial " << t.number;
    EXPECT_EQ(t.energy.components.capacity(), t.energy.components.size());
    EXPECT_EQ(t.energy.trace.capacity(), t.energy.trace.size());
    for (const Report& r : t.reports) EXPECT_EQ(r.metrics.capacity(), r.metrics.size());
  }
}

TEST(StudyFileRead, ARowCountMismatchNamesTheColumn) {
  TempDir dir("short");
  const fs::path path = dir / "s.h5";
  write_study_h5(path, sample_snapshot(4));
  // Replace /trials/cpu_s by a column one row short, as a damaged or foreign file could have.
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  {
    h5::Group trials(h5::Handle(H5Gopen2(f, "/trials", H5P_DEFAULT), H5Gclose), path.string(),
                     "/trials");
    ASSERT_GE(H5Ldelete(trials.id(), "cpu_s", H5P_DEFAULT), 0);
    const std::vector<double> three = {1.0, 2.0, 3.0};
    trials.write("cpu_s", std::span<const double>(three));
  }
  H5Fclose(f);
  try {
    read_study_h5(path, {.slice_rows = 2});
    FAIL() << "a short column must be refused";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("s.h5"));
    EXPECT_THAT(e.what(), HasSubstr("/trials/cpu_s has 3 rows"));
  }
}

TEST(JournalRead, LinesLongerThanAReadBlockAndATornTail) {
  TempDir dir("jblock");
  const fs::path path = dir / "j.journal";
  const std::string big(3 * (1 << 20) / 2, 'x');  // 1.5 MB: spans read blocks
  const std::string text = R"({"ev":"journal","generation":0})" "\n" R"({"ev":"a","s":")" +
                           big + "\"}\n\n" + R"({"ev":"b"})" "\n" + R"({"ev":"c","x":)";
  write_file(path, text);
  std::vector<std::string> kinds;
  std::vector<std::size_t> line_numbers;
  const JournalReadResult r = read_journal(path, [&](const nlohmann::json& ev, std::size_t line) {
    kinds.push_back(ev["ev"].get<std::string>());
    line_numbers.push_back(line);
    if (kinds.back() == "a") EXPECT_EQ(ev["s"].get_ref<const std::string&>().size(), big.size());
  });
  EXPECT_EQ(kinds, (std::vector<std::string>{"journal", "a", "b"}));
  EXPECT_EQ(line_numbers, (std::vector<std::size_t>{1, 2, 4}));  // line 3 is empty
  EXPECT_EQ(r.lines, 4u);
  EXPECT_EQ(r.valid_bytes, text.rfind('\n') + 1);
  ASSERT_TRUE(r.note.has_value());
  EXPECT_THAT(*r.note, HasSubstr("torn last line 5"));
  EXPECT_EQ(count_journal_lines(path), 5u);
  EXPECT_EQ(count_journal_lines(dir / "missing.journal"), 0u);
}

TEST(StudyFileRead, ResumeReservesRoomForTheJournalsRecords) {
  TempDir dir("reserve");
  const fs::path path = dir / "s.h5";
  StudyInfo info = sample_info();
  StoreOptions no_auto_checkpoint;
  no_auto_checkpoint.checkpoint_min_finished = 1000;
  {
    auto store = open_study_file(path, &info, no_auto_checkpoint);
    for (int i = 0; i < 6; ++i) store->trial_finished(sample_trial(i));
    store->checkpoint();
    for (int i = 6; i < 9; ++i) store->trial_finished(sample_trial(i));
    store->trial_started(sample_trial(9, TrialState::kRunning));
    // Leave as a killed coordinator would: copy the file and journal before the destructor's
    // final checkpoint.
    fs::copy_file(path, dir / "crashed.h5");
    fs::copy_file(path.string() + ".journal", (dir / "crashed.h5").string() + ".journal");
  }
  const fs::path crashed = dir / "crashed.h5";
  const std::size_t lines = count_journal_lines(crashed.string() + ".journal");
  EXPECT_EQ(lines, 5u);  // header, three finishes, one start
  auto store = open_study_file(crashed, nullptr, no_auto_checkpoint);
  ASSERT_EQ(store->trials().size(), 10u);
  EXPECT_EQ(store->trials()[9].state, TrialState::kRunning);
  EXPECT_GE(store->trials().capacity(), 6u + lines);
  for (int i = 0; i < 9; ++i)
    EXPECT_EQ(trial_to_json(store->trials()[i]).dump(), trial_to_json(sample_trial(i)).dump());
}

TEST(CompactTrial, FlatMapsKeepStdMapSemantics) {
  Params p;
  p["width"] = std::int64_t{64};
  p["act"] = std::string("relu");
  p.emplace("lr", 0.1);
  EXPECT_FALSE(p.emplace("lr", 0.5).second);  // an existing key is kept, as std::map does
  std::vector<std::string> order;
  for (const auto& [k, v] : p) order.push_back(k);
  EXPECT_EQ(order, (std::vector<std::string>{"act", "lr", "width"}));  // ordered by name
  EXPECT_EQ(std::get<double>(p.at("lr")), 0.1);
  EXPECT_EQ(p.count("momentum"), 0u);
  EXPECT_EQ(params_to_json(p).dump(), R"({"act":"relu","lr":0.1,"width":64})");
  EXPECT_EQ(params_from_json(params_to_json(p)), p);

  Trial t;
  t.metrics = {{"b", 2.0}, {"a", 1.0}};
  EXPECT_EQ(t.metrics.begin()->first, "a");
  EXPECT_EQ(t.figure("b"), 2.0);
  EXPECT_FALSE(t.figure("c").has_value());
  // The per-trial maps are one allocation each: a Trial is smaller than with std::map, and
  // moving it never copies (std::vector<Trial> relies on it when it grows).
  EXPECT_EQ(sizeof(Params), 3 * sizeof(void*));
  EXPECT_EQ(sizeof(MetricMap), 3 * sizeof(void*));
  EXPECT_TRUE(std::is_nothrow_move_constructible_v<Trial>);
}

}  // namespace
}  // namespace hpo
