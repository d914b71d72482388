// Thin RAII wrappers over the HDF5 C API, just what the study file needs: groups,
// 1-D datasets of float64 / int64 / int32 / int8 / variable-length UTF-8 strings, and
// scalar attributes. Every failure throws std::runtime_error naming the file and the object,
// and HDF5's own error printing is silenced while these calls run (H5ErrorSilencer).
// Not thread-safe (Debian's serial HDF5 build): one thread at a time per process.
//
//   hpo::h5::File f = hpo::h5::File::create("study.h5.tmp");
//   hpo::h5::Group g = f.root().create_group("trials");
//   g.write("duration_s", std::span<const double>(d));
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace hpo::h5 {

// An owned hid_t with its matching close function.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& o) noexcept : id_(o.id_), closer_(o.closer_) { o.id_ = -1; }
  Handle& operator=(Handle&& o) noexcept;
  ~Handle() { reset(); }
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  void reset();
  // Gives up ownership without closing; returns the id.
  hid_t release() {
    hid_t id = id_;
    id_ = -1;
    return id;
  }

 private:
  hid_t id_ = -1;
  Closer closer_ = nullptr;
};

// Turns HDF5's automatic error stack printing off for its lifetime, then restores it.
class ErrorSilencer {
 public:
  ErrorSilencer();
  ~ErrorSilencer();
  ErrorSilencer(const ErrorSilencer&) = delete;
  ErrorSilencer& operator=(const ErrorSilencer&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

// A group (or the root group); `where_` is its path, for messages.
class Group {
 public:
  Group(Handle h, std::string file, std::string where)
      : h_(std::move(h)), file_(std::move(file)), where_(std::move(where)) {}
  hid_t id() const { return h_.get(); }
  const std::string& where() const { return where_; }

  Group create_group(const std::string& name) const;
  Group open_group(const std::string& name) const;
  bool has(const std::string& name) const;
  // Link names in creation-independent (name) order.
  std::vector<std::string> children() const;

  void write(const std::string& name, std::span<const double> v) const;
  void write(const std::string& name, std::span<const std::int64_t> v) const;
  void write(const std::string& name, std::span<const std::int32_t> v) const;
  void write(const std::string& name, std::span<const std::int8_t> v) const;
  void write(const std::string& name, std::span<const std::string> v) const;

  // Reads a whole 1-D dataset, converting from its stored numeric type.
  std::vector<double> read_f64(const std::string& name) const;
  std::vector<std::int64_t> read_i64(const std::string& name) const;
  std::vector<std::int32_t> read_i32(const std::string& name) const;
  std::vector<std::int8_t> read_i8(const std::string& name) const;
  std::vector<std::string> read_strings(const std::string& name) const;
  // Rows of a 1-D dataset, and rows [offset, offset + count) of it: large studies are read
  // in slices so that no whole column is held in memory beside the trials being built.
  // A slice past the end throws, naming the dataset.
  std::size_t length(const std::string& name) const;
  std::vector<double> read_f64(const std::string& name, std::size_t offset,
                               std::size_t count) const;
  std::vector<std::int64_t> read_i64(const std::string& name, std::size_t offset,
                                     std::size_t count) const;
  std::vector<std::int32_t> read_i32(const std::string& name, std::size_t offset,
                                     std::size_t count) const;
  std::vector<std::int8_t> read_i8(const std::string& name, std::size_t offset,
                                   std::size_t count) const;
  std::vector<std::string> read_strings(const std::string& name, std::size_t offset,
                                        std::size_t count) const;
  // "float", "int", "string" or "other", from the dataset's stored type class.
  std::string dataset_kind(const std::string& name) const;

  // Attributes on this group (scalar), or on a child object when `object` is not empty.
  void set_attr(const std::string& key, const std::string& value,
                const std::string& object = "") const;
  void set_attr(const std::string& key, double value, const std::string& object = "") const;
  void set_attr(const std::string& key, std::int64_t value,
                const std::string& object = "") const;
  std::optional<std::string> attr_string(const std::string& key,
                                         const std::string& object = "") const;
  std::optional<double> attr_double(const std::string& key,
                                    const std::string& object = "") const;
  std::optional<std::int64_t> attr_int(const std::string& key,
                                       const std::string& object = "") const;

 private:
  [[noreturn]] void fail(const std::string& what) const;
  std::string child(const std::string& name) const;
  Handle open_dataset(const std::string& name, std::size_t* n) const;
  template <class T>
  std::vector<T> read_numeric(const std::string& name, hid_t mem_type,
                              std::optional<std::pair<std::size_t, std::size_t>> slice) const;
  std::vector<std::string> read_strings_impl(
      const std::string& name, std::optional<std::pair<std::size_t, std::size_t>> slice) const;
  // The file dataspace with rows [offset, offset + count) selected (whole when no slice) and
  // the number of rows selected.
  Handle select_rows(const Handle& ds, const std::string& name, std::size_t n,
                     std::optional<std::pair<std::size_t, std::size_t>> slice,
                     std::size_t* rows) const;
  template <class T>
  void write_numeric(const std::string& name, hid_t file_type, hid_t mem_type,
                     std::span<const T> v) const;
  Handle open_object(const std::string& object) const;
  void write_attr(const std::string& key, const std::string& object, hid_t type,
                  const void* data) const;
  Handle open_attr(const std::string& key, const std::string& object) const;

  Handle h_;
  std::string file_;
  std::string where_;
};

class File {
 public:
  static File create(const std::filesystem::path& path);     // truncates
  static File open_read(const std::filesystem::path& path);  // throws if not HDF5
  Group root() const;
  // Flushes and closes now (reporting errors), instead of in the destructor.
  void close();
  const std::string& path() const { return path_; }

 private:
  File(Handle h, std::string path) : h_(std::move(h)), path_(std::move(path)) {}
  Handle h_;
  std::string path_;
};

// Link names cannot hold '/' and "." is reserved: '%' '/' and a leading '.' are
// percent-encoded ("val/acc" -> "val%2Facc"). decode_name() inverts it.
std::string encode_name(const std::string& name);
std::string decode_name(const std::string& link);

}  // namespace hpo::h5
