// A cache of inflated gzip files for the trial programs. Fashion-MNIST's 26 MB of gzip'd
// training images take about 0.4 s of CPU to inflate, which is more than a short trial spends
// training (one epoch on a tenth of the data: 0.1 s), and every trial of a study inflates the
// same files again. The first reader writes the inflated bytes to the cache directory; later
// readers read them back (tens of milliseconds from the page cache).
//
// An entry is keyed by the source file's absolute path, size, modification time and inode,
// so a changed or replaced source is inflated again. Entries are written to a temporary file
// and renamed into place, so concurrent trials never read half an entry; each entry starts
// with a header holding its length, so a damaged entry is detected, ignored and rewritten.
// The cache is an optimization only: when the directory cannot be created or written, the
// file is inflated as without a cache, and the bytes returned are the same either way.
//
//   std::string bytes = objectives::mlp::read_gz_file_cached(path, "/home/u/.cache/ecohpo");
#pragma once

#include <string>

namespace objectives::mlp {

// The inflated contents of `path` (see read_gz_file), through the cache in `cache_dir`; ""
// means no cache. Throws like read_gz_file when the source cannot be read.
std::string read_gz_file_cached(const std::string& path, const std::string& cache_dir);

// The cache directory used when none is given: $ECOHPO_CACHE_DIR, else $XDG_CACHE_HOME/ecohpo,
// else $HOME/.cache/ecohpo, else "" (no cache). Reads the environment; call at the boundary.
std::string default_cache_dir();

// The cache entry that would hold `path` (for tests and for `ecohpo-mlp --help`); "" when the
// source cannot be stat'ed or `cache_dir` is "".
std::string cache_entry_path(const std::string& path, const std::string& cache_dir);

}  // namespace objectives::mlp
