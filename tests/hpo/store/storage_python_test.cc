// e2e: the study file is readable with h5py and the CSV export with pandas, using Debian's
// /usr/bin/python3 (skipped when those modules are missing).
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "hpo/store/export.h"
#include "hpo/store/study_file.h"
#include "tests/support/storage_test_util.h"

namespace hpo {
namespace {

namespace fs = std::filesystem;

bool python_has(const std::string& module) {
  const std::string cmd = "/usr/bin/python3 -c 'import " + module + "' >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

// Runs a script, returns its exit status; its output goes to `log`.
int run_python(const fs::path& script, const fs::path& arg, const fs::path& log) {
  const std::string cmd = "/usr/bin/python3 " + script.string() + " " + arg.string() + " >" +
                          log.string() + " 2>&1";
  return std::system(cmd.c_str());
}

void make_study(const fs::path& path, int n) {
  StudyInfo info = testing::sample_info();
  auto store = open_study_file(path, &info);
  for (int i = 0; i < n; ++i) store->trial_finished(testing::sample_trial(i));
  store->study_stopped(StopRecord{"budget.trials", "done", n - 1, {}, 1.0});
}

TEST(StoragePython, H5pyReadsTheStudyFile) {
  if (!python_has("h5py") || !python_has("numpy")) GTEST_SKIP() << "python3-h5py missing";
  testing::TempDir dir("h5py");
  make_study(dir / "s.h5", 4);
  testing::write_file(dir / "check.py", R"PY(
import json, math, sys
import h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
assert f.attrs["name"] == "storage-test", f.attrs["name"]
assert f.attrs["host"] == "testhost"
assert json.loads(f.attrs["spec_json"])["parallel"] == 2
assert json.loads(f.attrs["stop_json"])["rule"] == "budget.trials"
assert "ünïcode" in f.attrs["source_text"]
t = f["trials"]
assert list(t["number"][:]) == [0, 1, 2, 3]
assert t["number"].dtype == np.int64 and t["attempt"].dtype == np.int32
assert [s.decode() for s in t["state"][:]] == ["complete"] * 4
assert t["params/width"].dtype == np.int64 and list(t["params/width"][:]) == [16, 17, 18, 19]
assert t["params/use_bn"].dtype == np.int8 and list(t["params/use_bn"][:]) == [1, 0, 1, 0]
assert t["params/act"][0].decode() == "relu"
assert list(t["params_missing/momentum"][:]) == [0, 1, 0, 1]
assert t["params/momentum"][0] == 0.9
assert t["params/lr"][0] == 1e-4 / 3.0
assert t["params/mixed"].attrs["type"] == "json"
assert abs(t["values/accuracy"][2] - 0.52) < 1e-15
assert t["metrics/val%2Floss"].attrs["name"] == "val/loss"
assert t["energy_cpu_kwh"][0] == 1.5e-5 and t["pue"][0] == 1.2
assert t["intensity_source"][0].decode() == "world-default"
r = f["reports"]
assert len(r["trial_row"]) == 4 * (3 + 1 + 1)  # 3 reports, one with two metrics, one empty
c = t["components"]
assert [s.decode() for s in c["component"][:2]] == ["cpu-package-0", "memory"]
assert abs(c["energy_kwh"][0] - 54.0 / 3.6e6) < 1e-18
assert list(f["traces/power_w"][:2]) == [30.0, 31.5]
rec = json.loads(t["record_json"][1])
assert rec["executor_id"] == "job-1", rec
print("ok")
)PY");
  const int rc = run_python(dir / "check.py", dir / "s.h5", dir / "log.txt");
  EXPECT_EQ(rc, 0) << testing::read_file(dir / "log.txt");
}

TEST(StoragePython, PandasReadsTheCsvExport) {
  if (!python_has("pandas")) GTEST_SKIP() << "python3-pandas missing";
  testing::TempDir dir("pandas");
  make_study(dir / "s.h5", 5);
  {
    auto store = open_study_file_read_only(dir / "s.h5");
    std::ofstream out(dir / "s.csv");
    export_csv(*store, out);
  }
  testing::write_file(dir / "check.py", R"PY(
import sys
import pandas as pd
df = pd.read_csv(sys.argv[1])
assert len(df) == 5, len(df)
assert list(df["number"]) == [0, 1, 2, 3, 4]
assert df["params.act"][1] == 'tanh, "quoted"', df["params.act"][1]
assert df["params.width"].dtype.kind == "i"
assert pd.isna(df["params.momentum"][1]) and df["params.momentum"][0] == 0.9
assert df["params.lr"][0] == 1e-4 / 3.0
assert set(df["pareto"]) <= {0, 1} and df["pareto"].sum() >= 1
assert "metrics.val/loss" in df.columns and "metrics.accuracy" not in df.columns
assert df["energy_dram_kwh"][0] == 2e-6 and df["energy_source"][0] == "rapl+estimate"
print("ok")
)PY");
  const int rc = run_python(dir / "check.py", dir / "s.csv", dir / "log.txt");
  EXPECT_EQ(rc, 0) << testing::read_file(dir / "log.txt");
}

}  // namespace
}  // namespace hpo
