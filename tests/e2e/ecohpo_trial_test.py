"""Tests for objectives/python/ecohpo_trial.py, and that its lines parse as ecohpo reports
when run through ecohpo (the e2e test in tests/e2e uses it too). Run: python3 -m unittest."""
import io
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "objectives", "python"))
import ecohpo_trial  # noqa: E402


class EcohpoTrialTest(unittest.TestCase):
    def test_report_is_one_json_line(self):
        s = io.StringIO()
        ecohpo_trial.report(stream=s, accuracy=0.93, loss=1)
        self.assertEqual(s.getvalue().count("\n"), 1)
        self.assertEqual(json.loads(s.getvalue()), {"accuracy": 0.93, "loss": 1})

    def test_report_step(self):
        s = io.StringIO()
        ecohpo_trial.report_step(3, stream=s, accuracy=0.91)
        self.assertEqual(json.loads(s.getvalue()), {"step": 3, "accuracy": 0.91})

    def test_bad_values_are_refused(self):
        with self.assertRaises(ValueError):
            ecohpo_trial.report(stream=io.StringIO(), accuracy=float("nan"))
        with self.assertRaises(ValueError):
            ecohpo_trial.report(stream=io.StringIO(), accuracy="high")
        with self.assertRaises(ValueError):
            ecohpo_trial.report(stream=io.StringIO(), ok=True)
        with self.assertRaises(ValueError):
            ecohpo_trial.report(stream=io.StringIO())
        with self.assertRaises(ValueError):
            ecohpo_trial.report_step(1.5, stream=io.StringIO(), a=1)

    def test_params_and_number_from_environment(self):
        env = {"ECOHPO_PARAMS": '{"lr": 0.01, "act": "relu", "w": 64}', "ECOHPO_TRIAL": "12"}
        self.assertEqual(ecohpo_trial.params(env), {"lr": 0.01, "act": "relu", "w": 64})
        self.assertEqual(ecohpo_trial.trial_number(env), 12)
        self.assertEqual(ecohpo_trial.params({}), {})
        self.assertIsNone(ecohpo_trial.trial_number({}))


if __name__ == "__main__":
    unittest.main()
