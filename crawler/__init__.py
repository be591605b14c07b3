"""A seed-driven news crawler on Scrapy."""
