#include "objectives/mlp/dataset.h"

#include "objectives/mlp/gz_cache.h"
#include "objectives/mlp/gz_file.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace objectives::mlp {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw std::runtime_error(path + ": " + what);
}

std::uint32_t read_be32(const std::string& bytes, std::size_t offset) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data() + offset);
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

int finish_classes(const std::vector<int>& y) {
  return y.empty() ? 0 : *std::max_element(y.begin(), y.end()) + 1;
}

}  // namespace

Dataset subset(const Dataset& d, const std::vector<std::int64_t>& rows) {
  Dataset out;
  out.n_classes = d.n_classes;
  out.x.resize(static_cast<Eigen::Index>(rows.size()), d.x.cols());
  out.y.resize(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    out.x.row(static_cast<Eigen::Index>(i)) = d.x.row(rows[i]);
    out.y[i] = d.y[static_cast<std::size_t>(rows[i])];
  }
  return out;
}

Dataset load_digits_csv_gz(const std::string& path) {
  const std::string text = read_gz_file(path);
  std::vector<std::vector<int>> rows;
  std::size_t pos = 0;
  int line_no = 0;
  std::size_t n_fields = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    std::vector<int> fields;
    std::size_t p = 0;
    while (p <= line.size()) {
      std::size_t q = line.find(',', p);
      if (q == std::string_view::npos) q = line.size();
      std::string_view field = line.substr(p, q - p);
      int v = 0;
      const auto [ptr, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
      if (field.empty() || ec != std::errc() || ptr != field.data() + field.size())
        fail(path, "line " + std::to_string(line_no) + ", field " + std::to_string(fields.size() + 1) +
                       ": '" + std::string(field) + "' is not an integer");
      fields.push_back(v);
      p = q + 1;
    }
    if (fields.size() < 2)
      fail(path, "line " + std::to_string(line_no) + ": needs at least one feature and a label");
    if (n_fields == 0) n_fields = fields.size();
    if (fields.size() != n_fields)
      fail(path, "line " + std::to_string(line_no) + ": " + std::to_string(fields.size()) +
                     " fields, expected " + std::to_string(n_fields) + " like line 1");
    for (std::size_t i = 0; i + 1 < fields.size(); ++i)
      if (fields[i] < 0 || fields[i] > 16)
        fail(path, "line " + std::to_string(line_no) + ", field " + std::to_string(i + 1) +
                       ": feature " + std::to_string(fields[i]) + " outside [0, 16]");
    if (fields.back() < 0 || fields.back() > 9)
      fail(path, "line " + std::to_string(line_no) + ": label " + std::to_string(fields.back()) +
                     " outside [0, 9]");
    rows.push_back(std::move(fields));
  }
  if (rows.empty()) fail(path, "no samples");
  Dataset d;
  d.x.resize(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(n_fields - 1));
  d.y.resize(rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t c = 0; c + 1 < n_fields; ++c)
      d.x(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) =
          static_cast<float>(rows[r][c]) / 16.0f;
    d.y[r] = rows[r].back();
  }
  d.n_classes = finish_classes(d.y);
  return d;
}

Dataset load_idx_gz(const std::string& images_path, const std::string& labels_path,
                    const std::string& cache_dir) {
  const std::string images = read_gz_file_cached(images_path, cache_dir);
  const std::string labels = read_gz_file_cached(labels_path, cache_dir);
  if (images.size() < 16) fail(images_path, "too short for an IDX image header (16 bytes)");
  if (labels.size() < 8) fail(labels_path, "too short for an IDX label header (8 bytes)");
  if (read_be32(images, 0) != 0x00000803)
    fail(images_path, "bad IDX magic (expected 0x00000803: unsigned bytes, 3 dimensions)");
  if (read_be32(labels, 0) != 0x00000801)
    fail(labels_path, "bad IDX magic (expected 0x00000801: unsigned bytes, 1 dimension)");
  const std::uint64_t n = read_be32(images, 4), h = read_be32(images, 8), w = read_be32(images, 12);
  const std::uint64_t n_labels = read_be32(labels, 4);
  if (n == 0 || h == 0 || w == 0) fail(images_path, "empty image set in the IDX header");
  if (images.size() != 16 + n * h * w)
    fail(images_path, "size " + std::to_string(images.size()) + " bytes does not match the header (" +
                          std::to_string(n) + " x " + std::to_string(h) + " x " + std::to_string(w) +
                          " + 16)");
  if (labels.size() != 8 + n_labels)
    fail(labels_path, "size " + std::to_string(labels.size()) + " bytes does not match the header (" +
                          std::to_string(n_labels) + " + 8)");
  if (n_labels != n)
    fail(labels_path, std::to_string(n_labels) + " labels for " + std::to_string(n) + " images in " +
                          images_path);
  Dataset d;
  d.x.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(h * w));
  const auto* px = reinterpret_cast<const unsigned char*>(images.data() + 16);
  float* dst = d.x.data();
  for (std::uint64_t i = 0; i < n * h * w; ++i) dst[i] = static_cast<float>(px[i]) * (1.0f / 255.0f);
  d.y.resize(n);
  const auto* lb = reinterpret_cast<const unsigned char*>(labels.data() + 8);
  for (std::uint64_t i = 0; i < n; ++i) {
    if (lb[i] > 99)
      fail(labels_path, "label " + std::to_string(lb[i]) + " at byte " + std::to_string(8 + i) +
                            " is not a class index");
    d.y[i] = lb[i];
  }
  d.n_classes = finish_classes(d.y);
  return d;
}

}  // namespace objectives::mlp
