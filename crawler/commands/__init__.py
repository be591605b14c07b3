"""Custom `scrapy` commands (COMMANDS_MODULE): demo, and crawl/list that report bad seeds."""
