#!/usr/bin/env python3
"""scripts/check-layering on small trees: each broken rule is reported with file and line."""
import os
import subprocess
import sys
import tempfile
import unittest

SCRIPT = os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "check-layering")


def run(files):
    with tempfile.TemporaryDirectory() as root:
        for path, text in files.items():
            full = os.path.join(root, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w") as f:
                f.write(text)
        p = subprocess.run([sys.executable, SCRIPT, "--root", root], capture_output=True, text=True)
        return p.returncode, p.stdout


class CheckLayering(unittest.TestCase):
    def test_clean_tree_passes(self):
        rc, out = run({"hpo/base/result.h": "#pragma once\n",
                       "hpo/core/trial.h": '#include "hpo/base/result.h"\n',
                       "samplers/s.cc": '#include "hpo/core/trial.h"\n'})
        self.assertEqual(rc, 0, out)

    def test_meters_including_the_core_is_refused(self):
        rc, out = run({"hpo/core/trial.h": "\n", "meters/m.cc": '\n#include "hpo/core/trial.h"\n'})
        self.assertEqual(rc, 1)
        self.assertIn("meters/m.cc:2: meters/ may not include hpo/core/", out)

    def test_sampler_including_the_store_is_refused(self):
        rc, out = run({"hpo/store/study_file.h": "\n",
                       "samplers/tpe.cc": '#include "hpo/store/study_file.h"\n'})
        self.assertEqual(rc, 1)
        self.assertIn("samplers/tpe.cc:1: samplers/ may not include hpo/store/", out)

    def test_another_folders_detail_header_is_refused(self):
        rc, out = run({"hpo/store/detail/h5_file.h": "\n",
                       "hpo/report/compare.cc": '#include "hpo/store/detail/h5_file.h"\n'})
        self.assertEqual(rc, 1)
        self.assertIn("private to hpo/store/", out)

    def test_header_cycle_is_refused(self):
        rc, out = run({"hpo/core/a.h": '#include "hpo/core/b.h"\n',
                       "hpo/core/b.h": '#include "hpo/core/a.h"\n'})
        self.assertEqual(rc, 1)
        self.assertIn("header include cycle: hpo/core/a.h <-> hpo/core/b.h", out)

    def test_module_cycle_through_sources_is_refused(self):
        rc, out = run({"hpo/core/a.h": "\n", "hpo/core/b.h": "\n",
                       "hpo/core/a.cc": '#include "hpo/core/b.h"\n',
                       "hpo/core/b.cc": '#include "hpo/core/a.h"\n'})
        self.assertEqual(rc, 1)
        self.assertIn("module include cycle", out)

    def test_missing_include_and_unknown_folder_are_named(self):
        rc, out = run({"hpo/core/a.cc": '#include "hpo/core/nope.h"\n', "hpo/newthing/x.cc": "\n"})
        self.assertEqual(rc, 1)
        self.assertIn('hpo/core/a.cc:1: includes "hpo/core/nope.h", which does not exist', out)
        self.assertIn("hpo/newthing/x.cc:1: folder has no layer", out)


if __name__ == "__main__":
    unittest.main()
