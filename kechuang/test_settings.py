"""Settings for the test suite: the production settings module in test mode."""

import os

os.environ.setdefault("KECHUANG_MODE", "test")

from kechuang.settings import *  # noqa: F403
