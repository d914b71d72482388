#include "meters/energy_source.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

namespace meters {

std::string EnergySource::describe() const {
  std::string out = name() + "(";
  const auto& ch = channels();
  for (std::size_t i = 0; i < ch.size(); ++i) out += (i ? "," : "") + ch[i].component;
  return out + ")";
}

namespace detail {

std::string explain_errno(const std::string& path, int err, const std::string& what) {
  std::string msg = "cannot read " + path + ": " + std::strerror(err);
  if (err == EACCES || err == EPERM) {
    if (what == "rapl")
      msg += " (energy_uj is root-only since Linux 5.10; grant read access with the udev rule "
             "or `chmod a+r` described in docs/metering.md)";
    else if (what == "msr")
      msg += " (needs root or CAP_SYS_RAWIO; see docs/metering.md)";
    else if (what == "perf")
      msg += " (set kernel.perf_event_paranoid to 0 or grant CAP_PERFMON; see docs/metering.md)";
  }
  return msg;
}

hpo::Result<std::string> read_text(const std::string& path, const std::string& what) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return hpo::make_error(explain_errno(path, errno, what));
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return hpo::make_error(explain_errno(path, err, what));
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

hpo::Result<unsigned long long> read_u64(const std::string& path, const std::string& what) {
  auto text = read_text(path, what);
  if (!text) return hpo::make_error(text.error());
  const std::string t = trim(*text);
  if (t.empty() || t.find_first_not_of("0123456789") != std::string::npos)
    return hpo::make_error(path + ": expected an unsigned integer, found '" + t.substr(0, 40) +
                           "'");
  errno = 0;
  const unsigned long long v = std::strtoull(t.c_str(), nullptr, 10);
  if (errno == ERANGE) return hpo::make_error(path + ": value out of range '" + t + "'");
  return v;
}

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return (v && *v) ? std::string(v) : fallback;
}

}  // namespace detail
}  // namespace meters
