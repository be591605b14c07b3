"""The crawl's closing summary and health: logged, and written to
output/reports/<source>/<run>.json."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.utils.defer import maybe_deferred_to_future

from crawler.extract.rules import MATCHED, MISSING, OUTCOMES, UNPARSED
from crawler.health import COVERAGE_FIELDS, HealthChecks, health_failed, share
from crawler.render import RENDERER_DOWN
from crawler.runs import Run

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Spider
    from scrapy.crawler import Crawler


def _group(stats: dict[str, Any], prefix: str) -> dict[str, int]:
    return {k.removeprefix(prefix): v for k, v in sorted(stats.items()) if k.startswith(prefix)}


def covered(article: ItemAdapter, min_text: int) -> list[str]:
    """The coverage fields an article has (crawler.health.COVERAGE_FIELDS): an author other
    than its site's name, a date read from the page (not the listing's or the crawl time), a
    head image, a text of more than ``min_text`` characters."""
    fields = []
    author = (article.get("author") or "").strip()
    if author and author != (article.get("site") or "").strip():
        fields.append("author")
    if article.get("date") and article.get("date_source") == "page":
        fields.append("date")
    if article.get("headimg"):
        fields.append("headimg")
    if len(article.get("text") or "") > min_text:
        fields.append("text")
    return fields


def counted(number: int, noun: str) -> str:
    """ "1 listing page", "2 listing pages"."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


class CrawlReport:
    """Figures of the crawl from its stats, for the log and the run's report file."""

    # Where the report is written: a template of the run's values and the spider's name.
    PATH = "%(output_dir)s/reports/%(source)s/%(run_id)s.json"
    # An article's text counts for coverage when longer than this (characters).
    MIN_TEXT = 200

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        # Why the run failed, once it is closed (the crawl command exits 1 with it).
        self.error: str | None = None
        # The failed health checks (crawler.health), once the run is closed; a real crawl
        # (WRITE_REPORTS) with any exits 1.
        self.failed_checks: list[dict[str, Any]] = []
        self.checks = HealthChecks.from_settings(crawler.settings)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.item_left, signal=signals.item_dropped)
        crawler.signals.connect(self.item_left, signal=signals.item_error)
        # The seed's selector of each seed field seen, as the articles give it.
        self.seed_selectors: dict[str, Any] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def item_scraped(self, item: Any) -> None:
        """An article through every pipeline: counted under coverage/articles, and under
        coverage/<field> for each coverage field it has; its seed fields counted."""
        stats = self.crawler.stats
        stats.inc_value("coverage/articles")
        article = ItemAdapter(item)
        for name in covered(article, self.MIN_TEXT):
            stats.inc_value(f"coverage/{name}")
        self.count_seed_fields(article)

    def item_left(self, item: Any, **kwargs: Any) -> None:
        """An article dropped by a pipeline (a duplicate, no body...) or failed in one: its
        seed fields counted all the same, as every article page's are."""
        self.count_seed_fields(ItemAdapter(item))

    def count_seed_fields(self, article: ItemAdapter) -> None:
        """Each seed field of the article (its ``seed_fields``) counted under
        ``seed_field/<field>/<outcome>``: matched, unparsed or missing."""
        if "seed_fields" not in article.field_names():
            return
        for name, seen in (article.get("seed_fields") or {}).items():
            if seen.get("outcome") in OUTCOMES:
                self.crawler.stats.inc_value(f"seed_field/{name}/{seen['outcome']}")
                self.seed_selectors.setdefault(name, seen.get("selector"))

    def seed_fields(self, stats: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """``{field: {"selector": the seed's, "matched": n, "unparsed": n, "missing": n}}`` for
        every seed field of the run's articles (see crawler.extract.rules)."""
        names = dict.fromkeys(k.split("/")[1] for k in stats if k.startswith("seed_field/"))
        return {
            name: {
                "selector": self.seed_selectors.get(name),
                **{outcome: stats.get(f"seed_field/{name}/{outcome}", 0) for outcome in OUTCOMES},
            }
            for name in names
        }

    def coverage(self, stats: dict[str, Any]) -> dict[str, Any]:
        """``{"articles": n, "author": share, "date": ..., "headimg": ..., "text": ...}``:
        shares between 0 and 1 of the n exported articles, None when n is 0."""
        articles = stats.get("coverage/articles", 0)
        return {
            "articles": articles,
            **{name: share(stats.get(f"coverage/{name}", 0), articles) for name in COVERAGE_FIELDS},
        }

    def figures(self, spider: Spider, reason: str) -> dict[str, Any]:
        stats = self.crawler.stats.get_stats()
        run = Run.of(self.crawler)
        dropped = _group(stats, "articles/dropped/")
        images_failed = _group(stats, "images/failed/")
        articles_found = stats.get("listing/articles_found")
        listed = stats.get("listing/pages", 0) or _group(stats, "listing/failed/")
        if run.worker and not listed:
            # A worker of a distributed run that got no listing page to fetch (the others did)
            # found no article link of its own: not a sign of a broken seed.
            articles_found = None
        figures = {
            "source": spider.name,
            "run": run.id,
            "started": run.started.isoformat(timespec="seconds"),
            "finished": datetime.now(UTC).isoformat(timespec="seconds"),
            "finish_reason": reason,
            "responses": _group(stats, "downloader/response_status_count/"),
            # None from a spider that does not count them (a spider of one's own), or from a
            # worker of a distributed run that fetched no listing page.
            "articles_found": articles_found,
            "new": stats.get("articles/new", 0),
            "updated": stats.get("articles/updated", 0),
            "duplicates": dropped.get("duplicate", 0) + dropped.get("duplicate_in_run", 0),
            "images_ok": stats.get("images/kept", 0),
            "images_failed": sum(images_failed.values()),
            "coverage": self.coverage(stats),
            "seed_fields": self.seed_fields(stats),
            "listing_pages": stats.get("listing/pages", 0),
            "article_pages": stats.get("article/pages", 0),
            "exported": stats.get("articles/exported", 0),
            "dropped": dropped,
            "failed_pages": _group(stats, "article/failed/"),
            "failed_channel_pages": _group(stats, "listing/failed/"),
            "not_http_links": stats.get("listing/skipped/not_http", 0),
            "skipped_links": _group(stats, "listing/skipped/"),
            # Counted by Scrapy's OffsiteMiddleware, the one filter of offsite requests.
            "offsite_filtered": stats.get("offsite/filtered", 0),
            "export_errors": _group(stats, "export/errors/"),
            # Articles an exporter had written in an earlier run (another one had failed).
            "export_skipped": _group(stats, "export/skipped/"),
            "images": {
                "kept": stats.get("images/kept", 0),
                "removed": stats.get("images/removed", 0),
                "failed": images_failed,
            },
            "requests": stats.get("downloader/request_count", 0),
            "seconds": round(stats.get("elapsed_time_seconds", 0.0), 3),
        }
        if run.worker:
            # Each worker of a distributed run writes its own report, of its own work.
            figures["worker"] = run.worker
        return figures

    def log_seed_fields(self, spider: Spider, seed_fields: dict[str, dict[str, Any]]) -> None:
        """One line of the seed fields' counts, and a warning for each field that never parsed
        in the run (its selector is broken, or the site changed)."""
        if not seed_fields:
            return
        spider.logger.info(
            "Seed fields of %s (matched/unparsed/missing): %s",
            spider.name,
            ", ".join(
                f"{name} {n[MATCHED]}/{n[UNPARSED]}/{n[MISSING]}" for name, n in seed_fields.items()
            ),
        )
        for name, n in seed_fields.items():
            if n[MATCHED]:
                continue
            what = [f"matched nothing on {counted(n[MISSING], 'article page')}"] * bool(n[MISSING])
            if n[UNPARSED]:
                what.append(f"gave a value that does not parse on {counted(n[UNPARSED], 'page')}")
            spider.logger.warning(
                "Seed field %s never parsed in this run: its selector %s %s; the field was "
                "taken from the next layer (JSON-LD, meta, the page's text)",
                name,
                json.dumps(n["selector"], ensure_ascii=False),
                " and ".join(what),
            )

    def error_of(self, figures: dict[str, Any]) -> str | None:
        """Why the run could not do its job, in one line, or None: not one channel page was
        fetched (nothing listening, 5xx, timeouts, robots.txt forbidding them, ...), or the
        renderer was not there or went away (a page lost to ``splash_down`` or
        ``browser_down``)."""
        failed = figures["failed_channel_pages"]
        if figures["listing_pages"] == 0 and failed:
            reasons = ", ".join(f"{reason} ×{count}" for reason, count in failed.items())
            error = f"no channel page of {figures['source']} could be fetched ({reasons})"
            down = self.renderer_down(figures)
            return f"{error}: {down}" if down else error
        return self.renderer_down(figures)

    def renderer_down(self, figures: dict[str, Any]) -> str | None:
        """ "N pages could not be rendered: <which renderer, and what to check>", or None."""
        lost = {
            reason: figures["failed_pages"].get(reason, 0)
            + figures["failed_channel_pages"].get(reason, 0)
            for reason in RENDERER_DOWN
        }
        count = sum(lost.values())
        if not count:
            return None
        if lost["splash_down"]:
            why = f"Splash did not answer at SPLASH_URL={self.crawler.settings.get('SPLASH_URL')}"
        else:
            why = "Chromium could not be started or went away (PLAYWRIGHT_LAUNCH_OPTIONS)"
        reasons = ", ".join(f"{reason} ×{n}" for reason, n in lost.items() if n)
        return f"{counted(count, 'page')} could not be rendered: {why} ({reasons})"

    async def spider_closed(self, spider: Spider, reason: str) -> None:
        figures = self.figures(spider, reason)
        # A component that stopped the run at its start put its one line in run/error.
        stopped = self.crawler.stats.get_value("run/error")
        figures["error"] = self.error = stopped or self.error_of(figures)
        real = self.crawler.settings.getbool("WRITE_REPORTS")
        # Judged in a real crawl only: `scrapy parse` or `shell` fetch a page or two.
        self.failed_checks = self.checks.failed(figures) if real else []
        figures["health"] = self.failed_checks or "ok"
        spider.logger.info(
            "Summary of %s: %s exported from %s and %s; "
            "dropped %s; failed pages %s; failed channel pages %s; offsite links filtered %d; "
            "export errors %s",
            spider.name,
            counted(figures["exported"], "article"),
            counted(figures["article_pages"], "article page"),
            counted(figures["listing_pages"], "listing page"),
            figures["dropped"] or "none",
            figures["failed_pages"] or "none",
            figures["failed_channel_pages"] or "none",
            figures["offsite_filtered"],
            figures["export_errors"] or "none",
        )
        self.log_seed_fields(spider, figures["seed_fields"])
        if self.error:
            spider.logger.error("The crawl failed: %s", self.error)
        for failed in self.failed_checks:
            spider.logger.error("Health check %s failed: %s", failed["check"], failed["message"])
        if not real:
            return
        path = Run.of(self.crawler).fill(self.PATH, source=spider.name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
        if not self.failed_checks:
            return
        failed = {
            "source": spider.name,
            "run": figures["run"],
            "health": self.failed_checks,
            "report": str(path),
        }
        send = getattr(self.crawler.signals, "send_catch_log_async", None)
        if send is not None:
            await send(health_failed, **failed)
        else:  # Scrapy without it (before 2.14); 2.19 deprecates the Deferred one
            await maybe_deferred_to_future(
                self.crawler.signals.send_catch_log_deferred(health_failed, **failed)
            )
