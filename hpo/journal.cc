#include "hpo/journal.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

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

JournalReadResult read_journal(
    const std::filesystem::path& path,
    const std::function<void(const nlohmann::json&, std::size_t)>& on_event) {
  JournalReadResult result;
  const std::string p = path.string();
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!std::filesystem::exists(path)) return result;
    throw std::runtime_error(p + ": cannot read the journal");
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();

  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) {
      result.note = p + ": ignored a torn last line " + std::to_string(result.lines + 1) + " (" +
                    std::to_string(text.size() - pos) +
                    " bytes without a newline: the writer was killed mid-write)";
      break;
    }
    const std::size_t line_no = ++result.lines;
    const std::string_view line(text.data() + pos, eol - pos);
    pos = eol + 1;
    result.valid_bytes = pos;
    if (line.empty()) continue;
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
  }
  return result;
}

}  // namespace hpo
