// The study journal: an append-only file of JSON lines beside the study file
// (`STUDY.h5.journal`), the part of the crash-safety design of docs/storage.md that makes
// each event durable before the call that produced it returns.
//
// A line is appended with one write(2) on an O_APPEND descriptor; a killed writer can
// therefore leave at most one torn line, at the end, without its '\n'. Reading treats such
// a tail as not written (and says so in a note); any other line that is not a JSON object
// is damage, reported with the file name and the 1-based line number.
//
//   JournalWriter w = JournalWriter::open(path);   // exclusive advisory lock (flock)
//   w.append(event.dump()); w.flush(/*sync=*/true);
//   read_journal(path, [](const nlohmann::json& ev, std::size_t line) { ... });
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace hpo {

class JournalWriter {
 public:
  // Opens or creates `path` for appending and takes an exclusive flock on it, so that two
  // coordinators cannot write one study. Throws std::runtime_error naming the file.
  static JournalWriter open(const std::filesystem::path& path);

  JournalWriter(JournalWriter&& o) noexcept;
  JournalWriter& operator=(JournalWriter&& o) noexcept;
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;
  ~JournalWriter();  // writes what is buffered (no fsync), releases the lock

  // Buffers one line (a '\n' is added). Lines reach the file at the next flush(), or when the
  // buffer passes `kFlushBytes`; either way a line is written with a single write(2).
  void append(std::string_view line);
  // Writes the buffer; with `sync`, fsyncs the file before returning.
  void flush(bool sync);
  // Cuts the file to `size` bytes (used to drop a torn tail before appending again).
  void truncate(std::size_t size);
  // Empties the file and writes `header` as its first line, durably.
  void reset(std::string_view header);
  std::size_t buffered_bytes() const { return buffer_.size(); }

  static constexpr std::size_t kFlushBytes = 1 << 20;

 private:
  JournalWriter(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  void write_all(std::string_view bytes);
  int fd_ = -1;
  std::string path_;
  std::string buffer_;
};

struct JournalReadResult {
  std::size_t lines = 0;        // complete lines read
  std::size_t valid_bytes = 0;  // bytes up to and including the last complete line
  std::optional<std::string> note;  // e.g. "ignored a torn last line (37 bytes)"
};

// Calls `on_event(event, line_number)` for every complete line, in order. A missing file
// reads as empty. Throws std::runtime_error "FILE:LINE: ..." for a line that is not a JSON
// object, and wraps any std::exception thrown by `on_event` the same way.
// The file is read block by block, so memory does not grow with the journal's length.
JournalReadResult read_journal(
    const std::filesystem::path& path,
    const std::function<void(const nlohmann::json&, std::size_t)>& on_event);

// Lines in the journal (a torn last line counts), without parsing them: an upper bound on the
// records a replay can add, so an opening store can reserve for them. 0 for a missing file.
std::size_t count_journal_lines(const std::filesystem::path& path);

}  // namespace hpo
