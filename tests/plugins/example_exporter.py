"""A third-party exporter, as another package would ship it: nothing imported from the crawler.

UrlListExporter appends each article's URL to OUTPUT_DIR/<file>; BrokenExporter fails on
every article (or, with fail_on_open, at the start), to show it spares the others;
FlakyExporter is a UrlListExporter that fails on the articles whose URL holds one of fail_on;
UnpreparedExporter is a UrlListExporter whose prepare(articles) (called once per batch before
its exports) always fails, with a message of two lines.
"""

from pathlib import Path


class UrlListExporter:
    def __init__(self, crawler, file="received.txt"):
        self.path = Path(crawler.settings.get("OUTPUT_DIR")) / file

    @classmethod
    def from_crawler(cls, crawler, **options):
        return cls(crawler, **options)

    def open(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.file = self.path.open("a", encoding="utf-8")

    def export(self, article):
        self.file.write(article["url"] + "\n")
        self.file.flush()

    def close(self):
        self.file.close()


class BrokenExporter:
    def __init__(self, fail_on_open=False):
        self.fail_on_open = fail_on_open

    @classmethod
    def from_crawler(cls, crawler, **options):
        return cls(**options)

    def open(self):
        if self.fail_on_open:
            raise ConnectionError("no such database")

    def export(self, article):
        raise RuntimeError("broken on purpose")

    def close(self):
        pass


class FlakyExporter(UrlListExporter):
    def __init__(self, crawler, file="flaky.txt", fail_on=()):
        super().__init__(crawler, file)
        self.fail_on = list(fail_on)

    def export(self, article):
        if any(part in article["url"] for part in self.fail_on):
            raise ConnectionError(f"lost the connection\nwhile writing {article['url']}")
        super().export(article)


class UnpreparedExporter(UrlListExporter):
    def __init__(self, crawler, file="unprepared.txt"):
        super().__init__(crawler, file)
        self.prepared = 0

    def prepare(self, articles):
        self.prepared += 1
        raise LookupError(f"no names to reserve for {len(articles)} articles\nsecond line")
