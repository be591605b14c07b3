"""The spider loader that makes one spider per seed file (SPIDER_LOADER_CLASS)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.spiderloader import SpiderLoader

from crawler.seeds import Source, load_seeds
from crawler.spiders.seed import SeedSpider

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request, Spider
    from scrapy.settings import BaseSettings


def spider_class(source: Source) -> type[SeedSpider]:
    """A SeedSpider subclass named after the seed and bound to its Source."""
    attrs = {
        "name": source.name,
        "source": source,
        "allowed_domains": list(source.allowed_domains),
        # What the seed says of its crawl that components read as settings (its [settings]
        # table is set by SeedSpider.update_settings).
        "custom_settings": {
            **SeedSpider.custom_settings,
            "IMAGES_REFERER": source.image_referer,
            **({"IMAGES_DOMAINS": list(source.image_domains)} if source.image_domains else {}),
            **source.health.settings(),
        },
    }
    return type(f"{source.name.title().replace('-', '')}Spider", (SeedSpider,), attrs)


class SeedSpiderLoader:
    """Spiders from SEEDS_DIR, plus any hand-written ones in SPIDER_MODULES.

    Bad seeds are kept aside: ``load`` raises their SeedError, ``errors`` lists them.
    """

    def __init__(self, settings: BaseSettings):
        sources, self.errors = load_seeds(settings.get("SEEDS_DIR"))
        self._spiders: dict[str, type[Spider]] = {
            name: spider_class(source) for name, source in sources.items()
        }
        if settings.getlist("SPIDER_MODULES"):
            self._spiders.update(SpiderLoader(settings)._spiders)

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Self:
        return cls(settings)

    def load(self, spider_name: str) -> type[Spider]:
        if spider_name in self.errors:
            raise self.errors[spider_name]
        try:
            return self._spiders[spider_name]
        except KeyError:
            raise KeyError(f"Spider not found: {spider_name}") from None

    def list(self) -> list[str]:
        return sorted(self._spiders)

    def find_by_request(self, request: Request) -> list[str]:
        return [name for name, cls in self._spiders.items() if cls.handles_request(request)]
