// Labelled classification data for the MLP trainer and the loaders for the two real data sets
// it trains on: the UCI optical handwritten digits (Alpaydin & Kaynak, 1998; the 1,797-image
// copy shipped with scikit-learn as a gzip'd CSV, 64 features 0..16 then the label) and
// Fashion-MNIST (Xiao, Rasul & Vollgraf, 2017; LeCun's IDX format, gzip'd, as in Debian's
// dataset-fashion-mnist). Features are scaled to [0, 1] (digits / 16, pixels / 255).
//
//   objectives::mlp::Dataset d = objectives::mlp::load_digits_csv_gz("objectives/data/digits.csv.gz");
//   auto fm = objectives::mlp::load_idx_gz(dir + "/train-images-idx3-ubyte.gz",
//                                          dir + "/train-labels-idx1-ubyte.gz");
//
// Loading is a boundary: a missing, truncated or malformed file throws std::runtime_error whose
// message names the file (and the line or the byte offset where that helps).
#pragma once

#include <Eigen/Core>

#include <cstdint>
#include <string>
#include <vector>

namespace objectives::mlp {

// Row-major float matrices: one sample per row, so a mini-batch is a contiguous block of rows.
using MatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct Dataset {
  MatrixF x;            // n_samples x n_features, values in [0, 1]
  std::vector<int> y;   // class labels in [0, n_classes)
  int n_classes = 0;

  std::int64_t size() const { return static_cast<std::int64_t>(y.size()); }
  int n_features() const { return static_cast<int>(x.cols()); }
};

// Rows `rows` of `d`, in that order.
Dataset subset(const Dataset& d, const std::vector<std::int64_t>& rows);

// Digits CSV: one sample per line, comma-separated integers; every field but the last is a
// feature in [0, 16], the last is the label in [0, 9]; every line has the same field count.
Dataset load_digits_csv_gz(const std::string& path);

// IDX pair: images (magic 0x00000803, n x rows x cols unsigned bytes) and labels (magic
// 0x00000801, n unsigned bytes); counts must agree. n_classes = max label + 1 (10 for
// Fashion-MNIST). The files are inflated through the cache in `cache_dir` (gz_cache.h; ""
// for none).
Dataset load_idx_gz(const std::string& images_path, const std::string& labels_path,
                    const std::string& cache_dir = "");

}  // namespace objectives::mlp
