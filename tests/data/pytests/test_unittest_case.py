"""A unittest.TestCase with class and test fixtures: setUpClass and
tearDownClass once, setUp and tearDown once around each test's threads."""

import threading
import unittest


class FixtureTest(unittest.TestCase):
    set_up = 0
    torn_down = 0

    @classmethod
    def setUpClass(cls):
        cls.shared = tuple(range(100))

    @classmethod
    def tearDownClass(cls):
        # Every setUp was matched by a tearDown.
        assert cls.set_up == cls.torn_down, (cls.set_up, cls.torn_down)

    def setUp(self):
        type(self).set_up += 1
        self.lock = threading.Lock()
        self.seen = []

    def tearDown(self):
        type(self).torn_down += 1

    def test_reads_class_fixture(self):
        self.assertEqual(sum(self.shared), 4950)

    def test_appends_under_the_fixture_lock(self):
        with self.lock:
            self.seen.append(threading.get_ident())
        self.assertIn(threading.get_ident(), self.seen)

    @unittest.skip("shows a skipped test")
    def test_skipped_by_decorator(self):
        self.fail("never runs")

    def test_skipped_at_run_time(self):
        self.skipTest("not on this platform")
