#include "hpo/store/detail/h5_file.h"

#include <cstring>
#include <stdexcept>

namespace hpo::h5 {

Handle& Handle::operator=(Handle&& o) noexcept {
  if (this != &o) {
    reset();
    id_ = o.id_;
    closer_ = o.closer_;
    o.id_ = -1;
  }
  return *this;
}

void Handle::reset() {
  if (id_ >= 0 && closer_ != nullptr) closer_(id_);
  id_ = -1;
}

ErrorSilencer::ErrorSilencer() {
  H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

ErrorSilencer::~ErrorSilencer() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }

namespace {

Handle string_type() {
  Handle t(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(t.get(), H5T_VARIABLE);
  H5Tset_cset(t.get(), H5T_CSET_UTF8);
  return t;
}

herr_t collect_name(hid_t, const char* name, const H5L_info_t*, void* data) {
  static_cast<std::vector<std::string>*>(data)->emplace_back(name);
  return 0;
}

}  // namespace

void Group::fail(const std::string& what) const {
  throw std::runtime_error(file_ + ": HDF5: " + what);
}

std::string Group::child(const std::string& name) const {
  return where_ == "/" ? "/" + name : where_ + "/" + name;
}

Group Group::create_group(const std::string& name) const {
  hid_t g = H5Gcreate2(id(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (g < 0) fail("cannot create group " + child(name));
  return Group(Handle(g, H5Gclose), file_, child(name));
}

Group Group::open_group(const std::string& name) const {
  hid_t g = H5Gopen2(id(), name.c_str(), H5P_DEFAULT);
  if (g < 0) fail("missing group " + child(name));
  return Group(Handle(g, H5Gclose), file_, child(name));
}

bool Group::has(const std::string& name) const {
  return H5Lexists(id(), name.c_str(), H5P_DEFAULT) > 0;
}

std::vector<std::string> Group::children() const {
  std::vector<std::string> names;
  hsize_t idx = 0;
  if (H5Literate(id(), H5_INDEX_NAME, H5_ITER_INC, &idx, collect_name, &names) < 0)
    fail("cannot list " + where_);
  return names;
}

template <class T>
void Group::write_numeric(const std::string& name, hid_t file_type, hid_t mem_type,
                          std::span<const T> v) const {
  hsize_t dims[1] = {v.size()};
  Handle space(H5Screate_simple(1, dims, nullptr), H5Sclose);
  Handle ds(H5Dcreate2(id(), name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT,
                       H5P_DEFAULT),
            H5Dclose);
  if (!ds.valid()) fail("cannot create dataset " + child(name));
  if (!v.empty() && H5Dwrite(ds.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0)
    fail("cannot write dataset " + child(name));
}

void Group::write(const std::string& name, std::span<const double> v) const {
  write_numeric(name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, v);
}
void Group::write(const std::string& name, std::span<const std::int64_t> v) const {
  write_numeric(name, H5T_STD_I64LE, H5T_NATIVE_INT64, v);
}
void Group::write(const std::string& name, std::span<const std::int32_t> v) const {
  write_numeric(name, H5T_STD_I32LE, H5T_NATIVE_INT32, v);
}
void Group::write(const std::string& name, std::span<const std::int8_t> v) const {
  write_numeric(name, H5T_STD_I8LE, H5T_NATIVE_INT8, v);
}

void Group::write(const std::string& name, std::span<const std::string> v) const {
  std::vector<const char*> ptrs;
  ptrs.reserve(v.size());
  for (const auto& s : v) ptrs.push_back(s.c_str());
  Handle type = string_type();
  write_numeric(name, type.get(), type.get(), std::span<const char* const>(ptrs));
}

Handle Group::open_dataset(const std::string& name, std::size_t* n) const {
  Handle ds(H5Dopen2(id(), name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!ds.valid()) fail("missing dataset " + child(name));
  Handle space(H5Dget_space(ds.get()), H5Sclose);
  if (H5Sget_simple_extent_ndims(space.get()) != 1) fail(child(name) + " is not 1-D");
  hsize_t dims[1] = {0};
  H5Sget_simple_extent_dims(space.get(), dims, nullptr);
  *n = static_cast<std::size_t>(dims[0]);
  return ds;
}

Handle Group::select_rows(const Handle& ds, const std::string& name, std::size_t n,
                          std::optional<std::pair<std::size_t, std::size_t>> slice,
                          std::size_t* rows) const {
  Handle space(H5Dget_space(ds.get()), H5Sclose);
  if (!space.valid()) fail("cannot get the dataspace of " + child(name));
  if (!slice) {
    *rows = n;
    return space;
  }
  const auto [offset, count] = *slice;
  if (offset > n || count > n - offset)
    fail("rows " + std::to_string(offset) + ".." + std::to_string(offset + count) + " of " +
         child(name) + " requested, but it has " + std::to_string(n));
  *rows = count;
  if (count == 0) return space;
  hsize_t start[1] = {offset};
  hsize_t size[1] = {count};
  if (H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start, nullptr, size, nullptr) < 0)
    fail("cannot select rows of " + child(name));
  return space;
}

template <class T>
std::vector<T> Group::read_numeric(
    const std::string& name, hid_t mem_type,
    std::optional<std::pair<std::size_t, std::size_t>> slice) const {
  std::size_t n = 0;
  Handle ds = open_dataset(name, &n);
  std::size_t rows = 0;
  Handle file_space = select_rows(ds, name, n, slice, &rows);
  std::vector<T> out(rows);
  if (rows == 0) return out;
  hsize_t dims[1] = {rows};
  Handle mem_space(H5Screate_simple(1, dims, nullptr), H5Sclose);
  if (H5Dread(ds.get(), mem_type, mem_space.get(), file_space.get(), H5P_DEFAULT, out.data()) < 0)
    fail("cannot read " + child(name) + " as a number");
  return out;
}

std::vector<double> Group::read_f64(const std::string& name) const {
  return read_numeric<double>(name, H5T_NATIVE_DOUBLE, std::nullopt);
}
std::vector<std::int64_t> Group::read_i64(const std::string& name) const {
  return read_numeric<std::int64_t>(name, H5T_NATIVE_INT64, std::nullopt);
}
std::vector<std::int32_t> Group::read_i32(const std::string& name) const {
  return read_numeric<std::int32_t>(name, H5T_NATIVE_INT32, std::nullopt);
}
std::vector<std::int8_t> Group::read_i8(const std::string& name) const {
  return read_numeric<std::int8_t>(name, H5T_NATIVE_INT8, std::nullopt);
}
std::vector<std::string> Group::read_strings(const std::string& name) const {
  return read_strings_impl(name, std::nullopt);
}

std::size_t Group::length(const std::string& name) const {
  std::size_t n = 0;
  open_dataset(name, &n);
  return n;
}
std::vector<double> Group::read_f64(const std::string& name, std::size_t offset,
                                    std::size_t count) const {
  return read_numeric<double>(name, H5T_NATIVE_DOUBLE, std::pair(offset, count));
}
std::vector<std::int64_t> Group::read_i64(const std::string& name, std::size_t offset,
                                          std::size_t count) const {
  return read_numeric<std::int64_t>(name, H5T_NATIVE_INT64, std::pair(offset, count));
}
std::vector<std::int32_t> Group::read_i32(const std::string& name, std::size_t offset,
                                          std::size_t count) const {
  return read_numeric<std::int32_t>(name, H5T_NATIVE_INT32, std::pair(offset, count));
}
std::vector<std::int8_t> Group::read_i8(const std::string& name, std::size_t offset,
                                        std::size_t count) const {
  return read_numeric<std::int8_t>(name, H5T_NATIVE_INT8, std::pair(offset, count));
}
std::vector<std::string> Group::read_strings(const std::string& name, std::size_t offset,
                                             std::size_t count) const {
  return read_strings_impl(name, std::pair(offset, count));
}

std::vector<std::string> Group::read_strings_impl(
    const std::string& name, std::optional<std::pair<std::size_t, std::size_t>> slice) const {
  std::size_t n = 0;
  Handle ds = open_dataset(name, &n);
  std::size_t rows = 0;
  Handle file_space = select_rows(ds, name, n, slice, &rows);
  std::vector<std::string> out(rows);
  if (rows == 0) return out;
  Handle ftype(H5Dget_type(ds.get()), H5Tclose);
  if (H5Tget_class(ftype.get()) != H5T_STRING) fail(child(name) + " is not a string dataset");
  hsize_t dims[1] = {rows};
  Handle mem_space(H5Screate_simple(1, dims, nullptr), H5Sclose);
  if (H5Tis_variable_str(ftype.get()) > 0) {
    Handle type = string_type();
    std::vector<char*> ptrs(rows, nullptr);
    if (H5Dread(ds.get(), type.get(), mem_space.get(), file_space.get(), H5P_DEFAULT,
                ptrs.data()) < 0)
      fail("cannot read " + child(name));
    for (std::size_t i = 0; i < rows; ++i)
      if (ptrs[i] != nullptr) out[i] = ptrs[i];
    H5Dvlen_reclaim(type.get(), mem_space.get(), H5P_DEFAULT, ptrs.data());
  } else {  // fixed-length strings (written by another tool)
    const std::size_t width = H5Tget_size(ftype.get());
    std::vector<char> buf(rows * width);
    if (H5Dread(ds.get(), ftype.get(), mem_space.get(), file_space.get(), H5P_DEFAULT,
                buf.data()) < 0)
      fail("cannot read " + child(name));
    for (std::size_t i = 0; i < rows; ++i) {
      const char* p = buf.data() + i * width;
      out[i].assign(p, strnlen(p, width));
    }
  }
  return out;
}

std::string Group::dataset_kind(const std::string& name) const {
  std::size_t n = 0;
  Handle ds = open_dataset(name, &n);
  Handle ftype(H5Dget_type(ds.get()), H5Tclose);
  switch (H5Tget_class(ftype.get())) {
    case H5T_FLOAT: return "float";
    case H5T_INTEGER: return "int";
    case H5T_STRING: return "string";
    default: return "other";
  }
}

Handle Group::open_object(const std::string& object) const {
  Handle o(H5Oopen(id(), object.empty() ? "." : object.c_str(), H5P_DEFAULT), H5Oclose);
  if (!o.valid()) fail("missing object " + child(object));
  return o;
}

void Group::write_attr(const std::string& key, const std::string& object, hid_t type,
                       const void* data) const {
  Handle obj = open_object(object);
  if (H5Aexists(obj.get(), key.c_str()) > 0) H5Adelete(obj.get(), key.c_str());
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle a(H5Acreate2(obj.get(), key.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
           H5Aclose);
  if (!a.valid() || H5Awrite(a.get(), type, data) < 0)
    fail("cannot write attribute '" + key + "' on " + child(object));
}

void Group::set_attr(const std::string& key, const std::string& value,
                     const std::string& object) const {
  Handle type = string_type();
  const char* p = value.c_str();
  write_attr(key, object, type.get(), &p);
}
void Group::set_attr(const std::string& key, double value, const std::string& object) const {
  write_attr(key, object, H5T_NATIVE_DOUBLE, &value);
}
void Group::set_attr(const std::string& key, std::int64_t value,
                     const std::string& object) const {
  write_attr(key, object, H5T_NATIVE_INT64, &value);
}

Handle Group::open_attr(const std::string& key, const std::string& object) const {
  Handle obj = open_object(object);
  if (H5Aexists(obj.get(), key.c_str()) <= 0) return Handle();
  return Handle(H5Aopen(obj.get(), key.c_str(), H5P_DEFAULT), H5Aclose);
}

std::optional<std::string> Group::attr_string(const std::string& key,
                                              const std::string& object) const {
  Handle a = open_attr(key, object);
  if (!a.valid()) return std::nullopt;
  Handle ftype(H5Aget_type(a.get()), H5Tclose);
  if (H5Tget_class(ftype.get()) != H5T_STRING) fail("attribute '" + key + "' is not a string");
  if (H5Tis_variable_str(ftype.get()) > 0) {
    Handle type = string_type();
    char* p = nullptr;
    if (H5Aread(a.get(), type.get(), &p) < 0) fail("cannot read attribute '" + key + "'");
    std::string s = p != nullptr ? p : "";
    Handle space(H5Screate(H5S_SCALAR), H5Sclose);
    H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, &p);
    return s;
  }
  const std::size_t width = H5Tget_size(ftype.get());
  std::vector<char> buf(width + 1, '\0');
  if (H5Aread(a.get(), ftype.get(), buf.data()) < 0) fail("cannot read attribute '" + key + "'");
  return std::string(buf.data(), strnlen(buf.data(), width));
}

std::optional<double> Group::attr_double(const std::string& key,
                                         const std::string& object) const {
  Handle a = open_attr(key, object);
  if (!a.valid()) return std::nullopt;
  double v = 0;
  if (H5Aread(a.get(), H5T_NATIVE_DOUBLE, &v) < 0) fail("attribute '" + key + "' is not numeric");
  return v;
}

std::optional<std::int64_t> Group::attr_int(const std::string& key,
                                            const std::string& object) const {
  Handle a = open_attr(key, object);
  if (!a.valid()) return std::nullopt;
  std::int64_t v = 0;
  if (H5Aread(a.get(), H5T_NATIVE_INT64, &v) < 0) fail("attribute '" + key + "' is not an integer");
  return v;
}

File File::create(const std::filesystem::path& path) {
  hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (f < 0) throw std::runtime_error(path.string() + ": HDF5: cannot create the file");
  return File(Handle(f, H5Fclose), path.string());
}

File File::open_read(const std::filesystem::path& path) {
  if (H5Fis_hdf5(path.c_str()) <= 0)
    throw std::runtime_error(path.string() + ": not an HDF5 file (or unreadable)");
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) throw std::runtime_error(path.string() + ": HDF5: cannot open the file");
  return File(Handle(f, H5Fclose), path.string());
}

Group File::root() const {
  hid_t g = H5Gopen2(h_.get(), "/", H5P_DEFAULT);
  if (g < 0) throw std::runtime_error(path_ + ": HDF5: cannot open the root group");
  return Group(Handle(g, H5Gclose), path_, "/");
}

void File::close() {
  if (!h_.valid()) return;
  herr_t flushed = H5Fflush(h_.get(), H5F_SCOPE_GLOBAL);
  hid_t id = h_.release();  // closed below, where we can see the status
  if (flushed < 0 || H5Fclose(id) < 0)
    throw std::runtime_error(path_ + ": HDF5: cannot flush and close the file");
}

std::string encode_name(const std::string& name) {
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c == '%' || c == '/' || (i == 0 && c == '.')) {
      static const char* kHex = "0123456789ABCDEF";
      out += '%';
      out += kHex[(static_cast<unsigned char>(c) >> 4) & 0xF];
      out += kHex[static_cast<unsigned char>(c) & 0xF];
    } else {
      out += c;
    }
  }
  if (out.empty()) out = "%00";  // an empty name cannot be a link
  return out;
}

std::string decode_name(const std::string& link) {
  if (link == "%00") return "";
  std::string out;
  for (std::size_t i = 0; i < link.size(); ++i) {
    if (link[i] == '%' && i + 2 < link.size()) {
      out += static_cast<char>(std::stoi(link.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += link[i];
    }
  }
  return out;
}

}  // namespace hpo::h5
