"""Spiders: the generic seed-driven one, and site subclasses where a seed cannot say it."""
