"""Fixture sites: static ones in folders, generated ones as modules."""
