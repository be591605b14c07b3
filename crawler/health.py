"""Health checks of a run's figures against thresholds read from settings (HEALTH_*), which a
seed's ``[health]`` table sets for its own crawl."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing import Self

    from scrapy.settings import BaseSettings

# Sent, after the run report is written, when a real crawl fails a check: with
# ``source`` (str), ``run`` (str), ``health`` (the failed checks, as in the report) and
# ``report`` (str: the report's path). Handlers may return a Deferred (crawler.alerts does).
health_failed = object()

# Fields whose coverage is measured: what makes an exported article count for each, in words.
COVERAGE_FIELDS = {
    "author": "an author other than the site's name",
    "date": "a date from the page",
    "headimg": "a head image",
    "text": "a text over 200 characters",
}


def share(part: int, whole: int) -> float | None:
    """part / whole rounded to 3 decimals; None when whole is 0."""
    return round(part / whole, 3) if whole else None


def percent(value: float) -> str:
    return f"{value * 100:.0f}%"


@dataclass(frozen=True)
class HealthChecks:
    """The thresholds of the checks; ``failed(figures)`` judges a run report's figures.

    A share or rate is judged only on at least ``min_pages`` pages or articles: on fewer, one
    odd page would decide it. ``articles_found`` is always judged: a run that found no article
    link on any channel is broken, while one that found only articles it had seen is not.
    """

    min_articles_found: int = 1
    min_exported: float = 0.1
    max_error_rate: float = 0.5
    max_export_errors: int = 0
    min_coverage: tuple[tuple[str, float], ...] = ()
    min_pages: int = 5

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Self:
        """The thresholds of HEALTH_*; ValueError naming the setting for a bad one."""
        coverage = dict.fromkeys(COVERAGE_FIELDS, 0.0)
        for name, floor in settings.getwithbase("HEALTH_MIN_COVERAGE").items():
            if name not in COVERAGE_FIELDS:
                known = ", ".join(COVERAGE_FIELDS)
                raise ValueError(f"HEALTH_MIN_COVERAGE: no coverage field {name!r} ({known})")
            coverage[name] = _share_setting(f"HEALTH_MIN_COVERAGE[{name!r}]", floor)
        counts = {}
        for name in ("HEALTH_MIN_ARTICLES_FOUND", "HEALTH_MIN_PAGES", "HEALTH_MAX_EXPORT_ERRORS"):
            try:
                counts[name] = settings.getint(name)
            except ValueError:
                raise ValueError(f"{name} must be a whole number, not {settings[name]!r}") from None
        return cls(
            min_articles_found=counts["HEALTH_MIN_ARTICLES_FOUND"],
            min_exported=_share_setting("HEALTH_MIN_EXPORTED", settings["HEALTH_MIN_EXPORTED"]),
            max_error_rate=_share_setting(
                "HEALTH_MAX_ERROR_RATE", settings["HEALTH_MAX_ERROR_RATE"]
            ),
            max_export_errors=counts["HEALTH_MAX_EXPORT_ERRORS"],
            min_coverage=tuple(coverage.items()),
            min_pages=counts["HEALTH_MIN_PAGES"],
        )

    def failed(self, figures: dict[str, Any]) -> list[dict[str, Any]]:
        """The failed checks, each ``{check, figure, limit, message}`` (``figure`` and
        ``limit`` are counts, or shares between 0 and 1); an empty list when all pass.

        ``figures`` holds the report's ``source``, ``articles_found``, ``article_pages``,
        ``duplicates``, ``failed_pages``, ``failed_channel_pages``, ``listing_pages``,
        ``coverage`` and ``export_errors`` (``{exporter: count}``)."""
        failed = []
        source = figures["source"]

        found = figures["articles_found"]
        if found is not None and found < self.min_articles_found:
            failed.append(
                check(
                    "articles_found",
                    found,
                    self.min_articles_found,
                    f"{source}: {found} article links found on its channels "
                    f"(at least {self.min_articles_found} expected)",
                )
            )

        pages = figures["article_pages"]
        # Articles that went through every pipeline (an exporter failing is export_errors).
        kept = figures["coverage"]["articles"] + figures["duplicates"]
        exported = share(kept, pages)
        if pages >= self.min_pages and exported is not None and exported < self.min_exported:
            failed.append(
                check(
                    "exported",
                    exported,
                    self.min_exported,
                    f"{source}: {kept} of {pages} article pages fetched gave an article "
                    f"({percent(exported)}; at least {percent(self.min_exported)} expected)",
                )
            )

        articles = figures["coverage"]["articles"]
        for name, floor in self.min_coverage:
            value = figures["coverage"].get(name)
            if articles >= self.min_pages and value is not None and value < floor:
                failed.append(
                    check(
                        f"coverage_{name}",
                        value,
                        floor,
                        f"{source}: {percent(value)} of {articles} exported articles have "
                        f"{COVERAGE_FIELDS.get(name, name)} (at least {percent(floor)} expected)",
                    )
                )

        errors = sum(figures["failed_pages"].values()) + sum(
            figures["failed_channel_pages"].values()
        )
        tried = figures["listing_pages"] + pages + errors
        rate = share(errors, tried)
        if tried >= self.min_pages and rate is not None and rate > self.max_error_rate:
            failed.append(
                check(
                    "error_rate",
                    rate,
                    self.max_error_rate,
                    f"{source}: {errors} of {tried} pages failed "
                    f"({percent(rate)}; at most {percent(self.max_error_rate)} expected)",
                )
            )

        # An article an exporter could not write is retried by the next run, but this run did
        # not do all of its job: judged on any count, not on a share.
        export_errors = figures.get("export_errors") or {}
        lost = sum(export_errors.values())
        if lost > self.max_export_errors:
            where = ", ".join(f"{name} ×{count}" for name, count in export_errors.items())
            failed.append(
                check(
                    "export_errors",
                    lost,
                    self.max_export_errors,
                    f"{source}: {lost} articles could not be written ({where}; at most "
                    f"{self.max_export_errors} expected); the next run writes them",
                )
            )
        return failed


def _share_setting(name: str, value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = -1.0
    if not 0 <= number <= 1:
        raise ValueError(f"{name} must be a share between 0 and 1, not {value!r}")
    return number


def health_error(settings: BaseSettings) -> str | None:
    """What is wrong with the HEALTH_* settings, in one line, or None."""
    try:
        HealthChecks.from_settings(settings)
    except ValueError as exc:
        return str(exc)
    return None


def check(name: str, figure: float, limit: float, message: str) -> dict[str, Any]:
    return {"check": name, "figure": figure, "limit": limit, "message": message}
