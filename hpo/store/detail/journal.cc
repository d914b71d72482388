#include "hpo/store/detail/journal.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace hpo {

namespace {

[[noreturn]] void fail_errno(const std::string& path, const std::string& what) {
  throw std::runtime_error(path + ": " + what + ": " + std::strerror(errno));
}

}  // namespace

JournalWriter JournalWriter::open(const std::filesystem::path& path) {
  const std::string p = path.string();
  int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) fail_errno(p, "cannot open the journal");
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK)
      throw std::runtime_error(p + ": the study is open for writing by another process");
    errno = err;
    fail_errno(p, "cannot lock the journal");
  }
  return JournalWriter(fd, p);
}

JournalWriter::JournalWriter(JournalWriter&& o) noexcept
    : fd_(o.fd_), path_(std::move(o.path_)), buffer_(std::move(o.buffer_)) {
  o.fd_ = -1;
}

JournalWriter& JournalWriter::operator=(JournalWriter&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    path_ = std::move(o.path_);
    buffer_ = std::move(o.buffer_);
    o.fd_ = -1;
  }
  return *this;
}

JournalWriter::~JournalWriter() {
  if (fd_ < 0) return;
  try {
    flush(false);
  } catch (const std::exception& e) {
    // A destructor cannot throw; the events lost here were never promised durable.
    std::fprintf(stderr, "ecohpo: %s\n", e.what());
  }
  ::close(fd_);  // releases the flock
}

void JournalWriter::write_all(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      fail_errno(path_, "cannot append to the journal");
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

void JournalWriter::append(std::string_view line) {
  // Keep whole lines together: flush first if this line would push us past the limit.
  if (!buffer_.empty() && buffer_.size() + line.size() + 1 > kFlushBytes) flush(false);
  buffer_.append(line);
  buffer_.push_back('\n');
}

void JournalWriter::flush(bool sync) {
  if (!buffer_.empty()) {
    write_all(buffer_);
    buffer_.clear();
  }
  if (sync && ::fdatasync(fd_) != 0) fail_errno(path_, "cannot fsync the journal");
}

void JournalWriter::truncate(std::size_t size) {
  flush(false);
  if (::ftruncate(fd_, static_cast<off_t>(size)) != 0)
    fail_errno(path_, "cannot truncate the journal");
}

void JournalWriter::reset(std::string_view header) {
  buffer_.clear();
  if (::ftruncate(fd_, 0) != 0) fail_errno(path_, "cannot truncate the journal");
  append(header);
  flush(true);
}

namespace {

// Reads `path` block by block (never the whole journal at once: after a crash it may hold
// half the study) and calls on_line(line, ends_with_newline) for each line; the last call may
// be a tail without its newline. Returns false when the file does not exist.
template <class F>
bool for_each_line(const std::filesystem::path& path, F on_line) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!std::filesystem::exists(path)) return false;
    throw std::runtime_error(path.string() + ": cannot read the journal");
  }
  constexpr std::size_t kBlock = 1 << 20;
  std::string pending;  // an unfinished line carried over to the next block
  std::string block(kBlock, '\0');
  while (true) {
    in.read(block.data(), static_cast<std::streamsize>(kBlock));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got == 0) break;
    std::size_t pos = 0;
    while (pos < got) {
      const void* nl = std::memchr(block.data() + pos, '\n', got - pos);
      if (nl == nullptr) {
        pending.append(block.data() + pos, got - pos);
        break;
      }
      const std::size_t eol = static_cast<std::size_t>(static_cast<const char*>(nl) - block.data());
      if (pending.empty()) {
        on_line(std::string_view(block.data() + pos, eol - pos), true);
      } else {
        pending.append(block.data() + pos, eol - pos);
        on_line(std::string_view(pending), true);
        pending.clear();
      }
      pos = eol + 1;
    }
    if (in.eof()) break;
  }
  if (in.bad()) throw std::runtime_error(path.string() + ": cannot read the journal");
  if (!pending.empty()) on_line(std::string_view(pending), false);
  return true;
}

}  // namespace

JournalReadResult read_journal(
    const std::filesystem::path& path,
    const std::function<void(const nlohmann::json&, std::size_t)>& on_event) {
  JournalReadResult result;
  const std::string p = path.string();
  for_each_line(path, [&](std::string_view line, bool complete) {
    if (!complete) {
      result.note = p + ": ignored a torn last line " + std::to_string(result.lines + 1) + " (" +
                    std::to_string(line.size()) +
                    " bytes without a newline: the writer was killed mid-write)";
      return;
    }
    const std::size_t line_no = ++result.lines;
    result.valid_bytes += line.size() + 1;
    if (line.empty()) return;
    nlohmann::json event;
    try {
      event = nlohmann::json::parse(line);
    } catch (const nlohmann::json::parse_error& e) {
      throw std::runtime_error(p + ":" + std::to_string(line_no) +
                               ": damaged journal line (not JSON): " + e.what());
    }
    if (!event.is_object() || !event.contains("ev") || !event["ev"].is_string())
      throw std::runtime_error(p + ":" + std::to_string(line_no) +
                               ": damaged journal line (not an event object with \"ev\")");
    try {
      on_event(event, line_no);
    } catch (const std::exception& e) {
      throw std::runtime_error(p + ":" + std::to_string(line_no) + ": bad " +
                               event["ev"].get<std::string>() + " event: " + e.what());
    }
  });
  return result;
}

std::size_t count_journal_lines(const std::filesystem::path& path) {
  std::size_t lines = 0;
  for_each_line(path, [&lines](std::string_view, bool) { ++lines; });
  return lines;
}

}  // namespace hpo
