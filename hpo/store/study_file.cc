// StudyStore implementation: an in-memory copy of the study, an HDF5 snapshot (study_h5.h)
// and a journal of events since that snapshot (journal.h). See docs/storage.md.
#include "hpo/store/study_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <thread>
#include <utility>

#include "hpo/core/trial_list.h"
#include "hpo/store/detail/journal.h"
#include "hpo/store/detail/study_h5.h"
#include "hpo/store/trial_json.h"

namespace hpo {

using nlohmann::json;

void StoreOptions::validate() const {
  if (checkpoint_min_finished < 1)
    throw std::invalid_argument("StoreOptions.checkpoint_min_finished must be >= 1, got " +
                                std::to_string(checkpoint_min_finished));
  if (!(checkpoint_fraction >= 0.0))
    throw std::invalid_argument("StoreOptions.checkpoint_fraction must be >= 0, got " +
                                std::to_string(checkpoint_fraction));
  if (!(sync_interval_s >= 0.0))
    throw std::invalid_argument("StoreOptions.sync_interval_s must be >= 0, got " +
                                std::to_string(sync_interval_s));
}

namespace {

namespace fs = std::filesystem;

fs::path journal_path(const fs::path& study) { return fs::path(study.string() + ".journal"); }
fs::path temp_path(const fs::path& study) { return fs::path(study.string() + ".tmp"); }

double now_unix_s() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

std::string host_name() {
  char buf[256] = {0};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "";
  return buf;
}

void fsync_dir(const fs::path& file) {
  fs::path dir = file.parent_path();
  if (dir.empty()) dir = ".";
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // best effort: some filesystems refuse directory fsync
  ::fsync(fd);
  ::close(fd);
}

std::string header_line(std::int64_t generation) {
  return json{{"ev", "journal"}, {"generation", generation}, {"schema", kStudyFileSchemaVersion}}
      .dump();
}

json trial_event(const char* ev, const Trial& t) {
  json j = trial_to_json(t);
  j["ev"] = ev;
  return j;
}

class Store final : public StudyStore {
 public:
  Store(fs::path path, bool read_only, StoreOptions options)
      : path_(std::move(path)), read_only_(read_only), options_(options) {}

  ~Store() override {
    if (read_only_ || !journal_ || !opened_) return;
    try {
      if (dirty_) checkpoint();
    } catch (const std::exception& e) {
      // The journal still holds every event: the next open replays it.
      std::fprintf(stderr, "ecohpo: final checkpoint of %s failed (journal kept): %s\n",
                   path_.c_str(), e.what());
    }
  }

  // --- opening -------------------------------------------------------------------------
  void create(const StudyInfo& info) {
    snap_.info = info;
    if (snap_.info.host.empty()) snap_.info.host = host_name();
    if (snap_.info.ecohpo_version.empty()) snap_.info.ecohpo_version = ECOHPO_VERSION;
    if (snap_.info.created_unix_s == 0.0) snap_.info.created_unix_s = now_unix_s();
    // Lock first, so a second coordinator creating the same study fails cleanly. A journal
    // left without its study file belongs to nothing: reset() empties it.
    journal_.emplace(JournalWriter::open(journal_path(path_)));
    write_snapshot();
    journal_->reset(header_line(snap_.journal_generation));
    opened_ = true;
  }

  void open_writable() {
    journal_.emplace(JournalWriter::open(journal_path(path_)));
    snap_ = read_study_h5(path_, read_options());
    const JournalReadResult r = replay();
    if (r.note) notes_.push_back(*r.note);
    if (stale_journal_ || !saw_header_) {
      // Crash between snapshot rename and journal reset (all events are in the snapshot), or
      // between truncation and the header: start a fresh journal for this snapshot.
      journal_->reset(header_line(snap_.journal_generation));
    } else if (r.note) {
      journal_->truncate(r.valid_bytes);  // drop the torn tail before appending again
    }
    opened_ = true;
  }

  void open_read_only() {
    // A live writer may replace the snapshot and reset the journal between our two reads;
    // the generation numbers tell, and we read again.
    for (int attempt = 0;; ++attempt) {
      snap_ = StudySnapshot{};  // free the previous attempt's trials before reading again
      snap_ = read_study_h5(path_, read_options());
      stale_journal_ = false;
      saw_header_ = false;
      journal_generation_seen_ = -1;
      const JournalReadResult r = replay();
      const bool consistent =
          journal_generation_seen_ == snap_.journal_generation || r.lines == 0;
      if (consistent || attempt >= 50) {
        if (r.note) notes_.push_back(*r.note);
        if (stale_journal_) notes_.push_back(journal_path(path_).string() +
                                             ": journal is older than the snapshot; ignored");
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  // --- StudyStore ------------------------------------------------------------------------
  const StudyInfo& info() const override { return snap_.info; }
  const std::vector<Trial>& trials() const override { return snap_.trials; }
  std::optional<StopRecord> stop_record() const override { return snap_.stop; }
  const json& attributes() const override { return snap_.attributes; }
  const fs::path& path() const override { return path_; }
  std::vector<std::string> notes() const override { return notes_; }

  void trial_started(const Trial& trial) override {
    writable();
    Trial t = trial;
    t.state = TrialState::kRunning;
    journal_->append(trial_event("start", t).dump());
    durable_flush();
    upsert(std::move(t), /*keep_reports=*/false);
    dirty_ = true;
  }

  void trial_report(std::int64_t number, int attempt, const Report& r) override {
    writable();
    Trial* t = find(number, attempt);
    if (t == nullptr)
      throw std::logic_error("trial_report for trial " + std::to_string(number) + " attempt " +
                             std::to_string(attempt) + " that was never started");
    journal_->append(
        json{{"ev", "report"}, {"number", number}, {"attempt", attempt}, {"report", report_to_json(r)}}
            .dump());
    journal_->flush(false);  // one write(2), no fsync: survives a killed coordinator
    t->reports.push_back(r);
    dirty_ = true;
  }

  void trial_finished(const Trial& trial) override {
    trials_finished(std::span<const Trial>(&trial, 1));
  }

  void trials_finished(std::span<const Trial> trials) override {
    writable();
    if (trials.empty()) return;
    for (const auto& t : trials) journal_->append(trial_event("finish", t).dump());
    durable_flush();
    for (const auto& t : trials) upsert(t, /*keep_reports=*/true);
    finished_in_journal_ += static_cast<std::int64_t>(trials.size());
    dirty_ = true;
    const double threshold =
        std::max(static_cast<double>(options_.checkpoint_min_finished),
                 options_.checkpoint_fraction * static_cast<double>(snap_.trials.size()));
    if (static_cast<double>(finished_in_journal_) > threshold) checkpoint();
  }

  void study_stopped(const StopRecord& record) override {
    writable();
    journal_->append(json{{"ev", "stop"}, {"record", stop_to_json(record)}}.dump());
    journal_->flush(true);
    snap_.stop = record;
    dirty_ = true;
  }

  void set_attribute(const std::string& key, const json& value) override {
    writable();
    journal_->append(json{{"ev", "attr"}, {"key", key}, {"value", value}}.dump());
    journal_->flush(false);  // reaches the OS: survives a killed process
    snap_.attributes[key] = value;
    dirty_ = true;
  }

  void checkpoint() override {
    writable();
    journal_->flush(true);
    ++snap_.journal_generation;
    try {
      write_snapshot();
    } catch (...) {
      --snap_.journal_generation;  // the old snapshot and the journal are still consistent
      throw;
    }
    journal_->reset(header_line(snap_.journal_generation));
    finished_in_journal_ = 0;
    dirty_ = false;
  }

 private:
  // write(2) always (a killed coordinator loses nothing); fdatasync at most every
  // sync_interval_s (see StoreOptions).
  void durable_flush() {
    const auto now = std::chrono::steady_clock::now();
    const bool sync = options_.sync_interval_s <= 0.0 ||
                      now - last_sync_ >= std::chrono::duration<double>(options_.sync_interval_s);
    journal_->flush(sync);
    if (sync) last_sync_ = now;
  }

  // Room for every record the journal replay may add (one per line at most), so that
  // replaying never reallocates the trial array of a large study.
  StudyReadOptions read_options() const {
    StudyReadOptions o;
    o.extra_capacity = count_journal_lines(journal_path(path_));
    return o;
  }

  void writable() const {
    if (read_only_) throw std::logic_error(path_.string() + ": the study is open read-only");
  }

  void write_snapshot() {
    const fs::path tmp = temp_path(path_);
    write_study_h5(tmp, snap_);
    fs::rename(tmp, path_);
    fsync_dir(path_);
  }

  Trial* find(std::int64_t number, int attempt) { return find_trial(snap_.trials, number, attempt); }

  void upsert(Trial t, bool keep_reports) { upsert_trial(snap_.trials, std::move(t), keep_reports); }

  JournalReadResult replay() {
    return read_journal(journal_path(path_), [this](const json& ev, std::size_t line) {
      const std::string& kind = ev["ev"].get_ref<const std::string&>();
      if (kind == "journal") {
        if (line != 1) throw std::invalid_argument("a journal header after line 1");
        saw_header_ = true;
        journal_generation_seen_ = ev.at("generation").get<std::int64_t>();
        if (journal_generation_seen_ < snap_.journal_generation) stale_journal_ = true;
        if (journal_generation_seen_ > snap_.journal_generation)
          throw std::invalid_argument(
              "journal generation " + std::to_string(journal_generation_seen_) +
              " is newer than the study file's (" + std::to_string(snap_.journal_generation) +
              "): the study file was replaced by an older copy");
        return;
      }
      if (!saw_header_) throw std::invalid_argument("the journal has no header line");
      if (stale_journal_) return;  // everything below is already in the snapshot
      if (kind == "start") {
        Trial t = trial_from_json(ev);
        t.state = TrialState::kRunning;
        upsert(std::move(t), false);
      } else if (kind == "finish") {
        upsert(trial_from_json(ev), true);
        ++finished_in_journal_;
      } else if (kind == "report") {
        const auto number = ev.at("number").get<std::int64_t>();
        const auto attempt = ev.at("attempt").get<int>();
        Trial* t = find(number, attempt);
        if (t == nullptr)
          throw std::invalid_argument("report for trial " + std::to_string(number) +
                                      " attempt " + std::to_string(attempt) +
                                      ", which was never started");
        t->reports.push_back(report_from_json(ev.at("report")));
      } else if (kind == "stop") {
        snap_.stop = stop_from_json(ev.at("record"));
      } else if (kind == "attr") {
        snap_.attributes[ev.at("key").get<std::string>()] = ev.at("value");
      } else {
        throw std::invalid_argument("unknown event \"" + kind +
                                    "\" (expected journal, start, report, finish, stop, attr)");
      }
      dirty_ = true;
    });
  }

  fs::path path_;
  bool read_only_;
  StoreOptions options_;
  std::chrono::steady_clock::time_point last_sync_{};
  StudySnapshot snap_;
  std::optional<JournalWriter> journal_;
  std::int64_t finished_in_journal_ = 0;
  bool dirty_ = false;
  bool opened_ = false;  // a failed open must not checkpoint in the destructor
  bool saw_header_ = false;
  bool stale_journal_ = false;
  std::int64_t journal_generation_seen_ = -1;
  std::vector<std::string> notes_;
};

}  // namespace

std::unique_ptr<StudyStore> open_study_file(const fs::path& path, const StudyInfo* create,
                                             const StoreOptions& options) {
  options.validate();
  auto store = std::make_unique<Store>(path, /*read_only=*/false, options);
  if (fs::exists(path)) {
    store->open_writable();
  } else if (create != nullptr) {
    store->create(*create);
  } else {
    throw std::runtime_error(path.string() + ": no such study file");
  }
  return store;
}

std::unique_ptr<StudyStore> open_study_file_read_only(const fs::path& path) {
  if (!fs::exists(path)) throw std::runtime_error(path.string() + ": no such study file");
  auto store = std::make_unique<Store>(path, /*read_only=*/true, StoreOptions{});
  store->open_read_only();
  return store;
}

}  // namespace hpo
