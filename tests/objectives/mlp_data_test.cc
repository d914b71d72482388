// Data loading (digits CSV, IDX, gzip, corrupt files, the inflated-file cache), fixed splits
// and data-fraction sampling.
#include "objectives/mlp/dataset.h"
#include "objectives/mlp/gz_file.h"
#include "objectives/mlp/gz_cache.h"
#include "objectives/mlp/split.h"
#include "objectives/mlp/trainer.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <optional>
#include <iterator>
#include <cstdlib>
#include <set>
#include <stdexcept>
#include <string>
#include <unistd.h>

namespace objectives::mlp {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("ecohpo-mlp-data-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

void write_gz(const std::string& path, const std::string& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())), static_cast<int>(bytes.size()));
  ASSERT_EQ(gzclose(f), Z_OK);
}

void write_plain(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

// Expects f() to throw std::runtime_error whose message contains every one of `parts`.
template <class F>
void expect_error(F f, std::initializer_list<std::string> parts) {
  try {
    f();
    ADD_FAILURE() << "no exception";
  } catch (const std::runtime_error& e) {
    for (const auto& p : parts) EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
  }
}

TEST(DigitsCsv, ParsesFeaturesScaledAndLabels) {
  TempDir dir;
  const auto path = dir.file("d.csv.gz");
  write_gz(path, "0,16,8,3\n16,0,4,7\r\n\n");
  const Dataset d = load_digits_csv_gz(path);
  ASSERT_EQ(d.size(), 2);
  ASSERT_EQ(d.n_features(), 3);
  EXPECT_FLOAT_EQ(d.x(0, 1), 1.0f);
  EXPECT_FLOAT_EQ(d.x(0, 2), 0.5f);
  EXPECT_FLOAT_EQ(d.x(1, 0), 1.0f);
  EXPECT_EQ(d.y, (std::vector<int>{3, 7}));
  EXPECT_EQ(d.n_classes, 8);
}

TEST(DigitsCsv, ShippedFileHas1797SamplesOf64Features) {
  const Dataset d = load_digits_csv_gz(std::string(ECOHPO_SOURCE_DIR) + "/objectives/data/digits.csv.gz");
  EXPECT_EQ(d.size(), 1797);
  EXPECT_EQ(d.n_features(), 64);
  EXPECT_EQ(d.n_classes, 10);
}

TEST(DigitsCsv, BadFilesNameTheFileAndLine) {
  TempDir dir;
  expect_error([&] { (void)load_digits_csv_gz(dir.file("missing.csv.gz")); }, {"missing.csv.gz", "cannot open"});
  write_gz(dir.file("text.csv.gz"), "1,2,3\n4,x,6\n");
  expect_error([&] { (void)load_digits_csv_gz(dir.file("text.csv.gz")); }, {"text.csv.gz", "line 2", "'x'"});
  write_gz(dir.file("ragged.csv.gz"), "1,2,3\n4,5\n");
  expect_error([&] { (void)load_digits_csv_gz(dir.file("ragged.csv.gz")); }, {"ragged.csv.gz", "line 2", "expected 3"});
  write_gz(dir.file("range.csv.gz"), "1,2,3\n4,17,6\n");
  expect_error([&] { (void)load_digits_csv_gz(dir.file("range.csv.gz")); }, {"range.csv.gz", "line 2", "[0, 16]"});
  write_gz(dir.file("label.csv.gz"), "1,2,12\n");
  expect_error([&] { (void)load_digits_csv_gz(dir.file("label.csv.gz")); }, {"label.csv.gz", "label 12"});
  write_gz(dir.file("empty.csv.gz"), "\n\n");
  expect_error([&] { (void)load_digits_csv_gz(dir.file("empty.csv.gz")); }, {"empty.csv.gz", "no samples"});
}

TEST(Gzip, TruncatedAndCorruptStreamsAreErrors) {
  TempDir dir;
  std::string payload(5000, '\0');
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>((i * 7919) % 251);
  write_gz(dir.file("ok.gz"), payload);
  EXPECT_EQ(read_gz_file(dir.file("ok.gz")), payload);
  std::ifstream in(dir.file("ok.gz"), std::ios::binary);
  std::string gz((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  write_plain(dir.file("cut.gz"), gz.substr(0, gz.size() / 2));
  expect_error([&] { (void)read_gz_file(dir.file("cut.gz")); }, {"cut.gz", "gzip"});
  std::string bad = gz;
  for (std::size_t i = 20; i < 60 && i < bad.size(); ++i) bad[i] = static_cast<char>(~bad[i]);
  write_plain(dir.file("bad.gz"), bad);
  expect_error([&] { (void)read_gz_file(dir.file("bad.gz")); }, {"bad.gz", "gzip"});
}

std::string idx_images(std::uint32_t n, std::uint32_t h, std::uint32_t w) {
  std::string s = be32(0x803) + be32(n) + be32(h) + be32(w);
  for (std::uint32_t i = 0; i < n * h * w; ++i) s.push_back(static_cast<char>(i * 37 % 256));
  return s;
}

std::string idx_labels(const std::vector<int>& labels) {
  std::string s = be32(0x801) + be32(static_cast<std::uint32_t>(labels.size()));
  for (int l : labels) s.push_back(static_cast<char>(l));
  return s;
}

TEST(Idx, ParsesImagesAndLabels) {
  TempDir dir;
  write_gz(dir.file("img.gz"), idx_images(3, 2, 2));
  write_gz(dir.file("lab.gz"), idx_labels({4, 0, 9}));
  const Dataset d = load_idx_gz(dir.file("img.gz"), dir.file("lab.gz"));
  ASSERT_EQ(d.size(), 3);
  ASSERT_EQ(d.n_features(), 4);
  EXPECT_FLOAT_EQ(d.x(0, 1), 37.0f / 255.0f);
  EXPECT_FLOAT_EQ(d.x(2, 3), static_cast<float>(11 * 37 % 256) / 255.0f);
  EXPECT_EQ(d.y, (std::vector<int>{4, 0, 9}));
  EXPECT_EQ(d.n_classes, 10);
}

TEST(Idx, CorruptFilesNameTheFile) {
  TempDir dir;
  write_gz(dir.file("img.gz"), idx_images(3, 2, 2));
  write_gz(dir.file("lab.gz"), idx_labels({4, 0, 9}));
  write_gz(dir.file("magic.gz"), be32(0x802) + idx_images(3, 2, 2).substr(4));
  expect_error([&] { (void)load_idx_gz(dir.file("magic.gz"), dir.file("lab.gz")); }, {"magic.gz", "magic"});
  write_gz(dir.file("short.gz"), idx_images(3, 2, 2).substr(0, 20));
  expect_error([&] { (void)load_idx_gz(dir.file("short.gz"), dir.file("lab.gz")); },
               {"short.gz", "does not match the header"});
  write_gz(dir.file("tiny.gz"), "abc");
  expect_error([&] { (void)load_idx_gz(dir.file("tiny.gz"), dir.file("lab.gz")); }, {"tiny.gz", "too short"});
  write_gz(dir.file("lab2.gz"), idx_labels({1, 2}));
  expect_error([&] { (void)load_idx_gz(dir.file("img.gz"), dir.file("lab2.gz")); },
               {"lab2.gz", "2 labels for 3 images"});
  expect_error([&] { (void)load_idx_gz(dir.file("img.gz"), dir.file("none.gz")); }, {"none.gz"});
}

TEST(Idx, FashionSplitUsesTheLastSixthForValidationOnSmallFiles) {
  TempDir dir;
  std::vector<int> labels(12);
  for (int i = 0; i < 12; ++i) labels[static_cast<std::size_t>(i)] = i % 10;
  write_gz(dir.file("train-images-idx3-ubyte.gz"), idx_images(12, 2, 2));
  write_gz(dir.file("train-labels-idx1-ubyte.gz"), idx_labels(labels));
  write_gz(dir.file("t10k-images-idx3-ubyte.gz"), idx_images(3, 2, 2));
  write_gz(dir.file("t10k-labels-idx1-ubyte.gz"), idx_labels({1, 2, 3}));
  const DataSplits s = load_fashion_mnist_splits(dir.file(""));
  EXPECT_EQ(s.train.size(), 10);
  EXPECT_EQ(s.validation.size(), 2);
  EXPECT_EQ(s.validation.y, (std::vector<int>{0, 1}));  // rows 10, 11
  EXPECT_EQ(s.test.size(), 3);
  // The training rows are the first ten, cut in place: labels and pixels intact.
  EXPECT_EQ(s.train.y, std::vector<int>(labels.begin(), labels.begin() + 10));
  EXPECT_FLOAT_EQ(s.train.x(9, 3), static_cast<float>((9 * 4 + 3) * 37 % 256) / 255.0f);
  EXPECT_FLOAT_EQ(s.validation.x(0, 0), static_cast<float>((10 * 4) * 37 % 256) / 255.0f);
  // Through a cache: the same splits, the first time (entries written) and the second (read).
  const std::string cache = dir.file("cache");
  for (int pass = 0; pass < 2; ++pass) {
    const DataSplits c = load_fashion_mnist_splits(dir.file(""), cache);
    EXPECT_EQ(c.train.x, s.train.x);
    EXPECT_EQ(c.train.y, s.train.y);
    EXPECT_EQ(c.validation.x, s.validation.x);
    EXPECT_EQ(c.test.x, s.test.x);
    EXPECT_EQ(c.test.y, s.test.y);
  }
  EXPECT_EQ(std::distance(fs::directory_iterator(cache), fs::directory_iterator{}), 4);
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(GzCache, SecondReadComesFromTheCacheAndAChangedSourceIsInflatedAgain) {
  TempDir dir;
  const std::string src = dir.file("a.gz"), cache = dir.file("cache");
  write_gz(src, "first contents");
  EXPECT_EQ(read_gz_file_cached(src, cache), "first contents");
  const std::string entry = cache_entry_path(src, cache);
  ASSERT_FALSE(entry.empty());
  ASSERT_TRUE(fs::exists(entry));
  // Prove the next read uses the entry: same length, other bytes, header untouched.
  std::string bytes = slurp(entry);
  ASSERT_EQ(bytes.size(), 16u + 14u);
  bytes.replace(16, 14, "cached!!bytes!");
  write_plain(entry, bytes);
  EXPECT_EQ(read_gz_file_cached(src, cache), "cached!!bytes!");
  // A replaced source (other size, other inode) gets another entry and its own contents.
  const std::string tmp = dir.file("b.gz");
  write_gz(tmp, "second, longer contents");
  fs::rename(tmp, src);
  EXPECT_NE(cache_entry_path(src, cache), entry);
  EXPECT_EQ(read_gz_file_cached(src, cache), "second, longer contents");
  // No cache: inflated directly.
  EXPECT_EQ(cache_entry_path(src, ""), "");
  EXPECT_EQ(read_gz_file_cached(src, ""), "second, longer contents");
}

TEST(GzCache, DamagedEntryIsIgnoredAndRewritten) {
  TempDir dir;
  const std::string src = dir.file("a.gz"), cache = dir.file("cache");
  write_gz(src, std::string(1000, 'x'));
  ASSERT_EQ(read_gz_file_cached(src, cache), std::string(1000, 'x'));
  const std::string entry = cache_entry_path(src, cache);
  const std::string whole = slurp(entry);
  write_plain(entry, whole.substr(0, whole.size() / 2));  // torn: shorter than its header says
  EXPECT_EQ(read_gz_file_cached(src, cache), std::string(1000, 'x'));
  EXPECT_EQ(slurp(entry), whole);                          // rewritten
  write_plain(entry, "not a cache entry at all, wrong magic");
  EXPECT_EQ(read_gz_file_cached(src, cache), std::string(1000, 'x'));
  EXPECT_EQ(slurp(entry), whole);
  // No temporary files left behind.
  EXPECT_EQ(std::distance(fs::directory_iterator(cache), fs::directory_iterator{}), 1);
}

TEST(GzCache, UnusableCacheDirectoryOnlyCostsTime) {
  TempDir dir;
  const std::string src = dir.file("a.gz");
  write_gz(src, "contents");
  write_plain(dir.file("file"), "a regular file, not a directory");
  EXPECT_EQ(read_gz_file_cached(src, dir.file("file") + "/cache"), "contents");
  // A missing source still fails naming the file, cache or not.
  expect_error([&] { (void)read_gz_file_cached(dir.file("none.gz"), dir.file("cache")); }, {"none.gz"});
}

TEST(GzCache, DefaultDirectoryFollowsTheEnvironment) {
  const auto set = [](const char* name, const char* value) {
    if (value) ::setenv(name, value, 1);
    else ::unsetenv(name);
  };
  const char* names[] = {"ECOHPO_CACHE_DIR", "XDG_CACHE_HOME", "HOME"};
  std::map<std::string, std::optional<std::string>> saved;
  for (const char* n : names) {
    const char* v = std::getenv(n);
    saved[n] = v ? std::optional<std::string>(v) : std::nullopt;
  }
  set("ECOHPO_CACHE_DIR", "/c");
  set("XDG_CACHE_HOME", "/x");
  set("HOME", "/h");
  EXPECT_EQ(default_cache_dir(), "/c");
  set("ECOHPO_CACHE_DIR", nullptr);
  EXPECT_EQ(default_cache_dir(), "/x/ecohpo");
  set("XDG_CACHE_HOME", nullptr);
  EXPECT_EQ(default_cache_dir(), "/h/.cache/ecohpo");
  set("HOME", nullptr);
  EXPECT_EQ(default_cache_dir(), "");
  for (const auto& [n, v] : saved) set(n.c_str(), v ? v->c_str() : nullptr);
}

std::vector<int> skewed_labels() {
  // 5 classes of sizes 100, 50, 31, 17, 3, interleaved.
  std::vector<int> labels;
  const int sizes[] = {100, 50, 31, 17, 3};
  for (int round = 0; round < 100; ++round)
    for (int c = 0; c < 5; ++c)
      if (round < sizes[c]) labels.push_back(c);
  return labels;
}

std::map<int, std::int64_t> class_counts(const std::vector<int>& labels, const std::vector<std::int64_t>& rows) {
  std::map<int, std::int64_t> out;
  for (auto r : rows) ++out[labels[static_cast<std::size_t>(r)]];
  return out;
}

TEST(Split, StratifiedDisjointCompleteAndDeterministic) {
  const auto labels = skewed_labels();
  const Split a = stratified_split(labels, 0.2, 0.2, 0);
  const Split b = stratified_split(labels, 0.2, 0.2, 0);
  EXPECT_EQ(a.train, b.train);
  EXPECT_EQ(a.validation, b.validation);
  EXPECT_EQ(a.test, b.test);
  const Split c = stratified_split(labels, 0.2, 0.2, 1);
  EXPECT_NE(a.test, c.test);
  std::set<std::int64_t> all(a.train.begin(), a.train.end());
  all.insert(a.validation.begin(), a.validation.end());
  all.insert(a.test.begin(), a.test.end());
  EXPECT_EQ(all.size(), labels.size());
  EXPECT_EQ(a.train.size() + a.validation.size() + a.test.size(), labels.size());
  EXPECT_EQ(a.test.size(), static_cast<std::size_t>(std::llround(0.2 * labels.size())));
  const auto counts = class_counts(labels, a.test);
  const int sizes[] = {100, 50, 31, 17, 3};
  for (int cl = 0; cl < 5; ++cl)
    EXPECT_LE(std::abs(static_cast<double>(counts.count(cl) ? counts.at(cl) : 0) - 0.2 * sizes[cl]), 1.0) << cl;
}

TEST(Split, DigitsSplitIs60_20_20) {
  const DataSplits d = load_digits_splits(std::string(ECOHPO_SOURCE_DIR) + "/objectives/data/digits.csv.gz");
  EXPECT_EQ(d.validation.size(), 359);
  EXPECT_EQ(d.test.size(), 359);
  EXPECT_EQ(d.train.size(), 1797 - 718);
}

TEST(Sampling, StratifiedKeepsClassProportionsWithinOneSample) {
  const auto labels = skewed_labels();
  std::vector<std::int64_t> rows(labels.size());
  std::iota(rows.begin(), rows.end(), 0);
  const int sizes[] = {100, 50, 31, 17, 3};
  for (double f : {0.05, 0.1, 0.33, 0.5, 0.77, 1.0}) {
    const auto picked = sample_fraction(labels, rows, f, Sampling::kStratified, 42);
    EXPECT_EQ(picked.size(), static_cast<std::size_t>(std::llround(f * labels.size()))) << f;
    EXPECT_EQ(std::set<std::int64_t>(picked.begin(), picked.end()).size(), picked.size());
    const auto counts = class_counts(labels, picked);
    for (int c = 0; c < 5; ++c) {
      const double got = counts.count(c) ? static_cast<double>(counts.at(c)) : 0.0;
      EXPECT_LE(std::abs(got - f * sizes[c]), 1.0) << "fraction " << f << " class " << c;
    }
  }
}

TEST(Sampling, RandomIsSeededAndCoversTheFraction) {
  const auto labels = skewed_labels();
  std::vector<std::int64_t> rows(labels.size());
  std::iota(rows.begin(), rows.end(), 0);
  const auto a = sample_fraction(labels, rows, 0.3, Sampling::kRandom, 7);
  const auto b = sample_fraction(labels, rows, 0.3, Sampling::kRandom, 7);
  const auto c = sample_fraction(labels, rows, 0.3, Sampling::kRandom, 8);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(a.size(), 60u);
  for (auto r : a) EXPECT_TRUE(r >= 0 && r < static_cast<std::int64_t>(labels.size()));
  // A tiny fraction still keeps one row.
  EXPECT_EQ(sample_fraction(labels, rows, 1e-6, Sampling::kStratified, 1).size(), 1u);
  EXPECT_THROW((void)sample_fraction(labels, rows, 0.0, Sampling::kRandom, 1), std::invalid_argument);
  EXPECT_THROW((void)sample_fraction(labels, rows, 1.5, Sampling::kRandom, 1), std::invalid_argument);
}

TEST(Sampling, ProportionalCountsSumToTotal) {
  const std::vector<std::int64_t> sizes{7, 0, 13, 1};
  for (std::int64_t total = 0; total <= 21; ++total) {
    const auto counts = proportional_counts(sizes, total);
    EXPECT_EQ(std::accumulate(counts.begin(), counts.end(), std::int64_t{0}), total);
    for (std::size_t c = 0; c < sizes.size(); ++c) {
      EXPECT_LE(counts[c], sizes[c]);
      EXPECT_LE(std::abs(static_cast<double>(counts[c]) - total * sizes[c] / 21.0), 1.0);
    }
  }
}

}  // namespace
}  // namespace objectives::mlp
