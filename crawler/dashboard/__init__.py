"""The dashboard `scrapy report` writes: run reports and feeds read back (history), a chart
of each source's runs (chart), and the static page (page)."""
