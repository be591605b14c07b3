"""A seed-driven news crawler on Scrapy."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("crawler")
except PackageNotFoundError:  # run from a checkout that was never installed
    __version__ = "0+unknown"
