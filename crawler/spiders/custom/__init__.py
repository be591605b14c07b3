"""Spiders of your own, loaded beside the seeds (`scrapy genspider NAME DOMAIN` writes here)."""
