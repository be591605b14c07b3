"""Every default of the crawler in one place; each is overridable with ``-s NAME=VALUE``."""

from pathlib import Path

from scrapy.utils.conf import closest_scrapy_cfg

from crawler import __version__

# The project's folder, where scrapy.cfg is (found from the working directory, as Scrapy finds
# its project): seeds/ and output/ are there, from whichever subfolder a command is run.
PROJECT_DIR = Path(closest_scrapy_cfg() or "scrapy.cfg").resolve().parent

BOT_NAME = "crawler"

# Spiders are made from seed files, one per seeds/NAME.toml.
SPIDER_LOADER_CLASS = "crawler.spiderloader.SeedSpiderLoader"
# Where seed files are read (a relative path given with -s is read from the working directory).
SEEDS_DIR = str(PROJECT_DIR / "seeds")
# Python modules holding spiders of one's own, loaded beside the seeds' spiders; `scrapy
# genspider` writes new ones into NEWSPIDER_MODULE.
SPIDER_MODULES = ["crawler.spiders.custom"]
NEWSPIDER_MODULE = "crawler.spiders.custom"
# Our `scrapy demo` command, and `crawl`/`list` that report bad seeds in one line.
COMMANDS_MODULE = "crawler.commands"

# Root of everything a crawl writes.
OUTPUT_DIR = str(PROJECT_DIR / "output")
# The run's id (YYYYMMDDTHHMMSSZ): set by `scrapy schedule`, which reserved it; unset, a run
# takes the stamp of its start.
RUN_ID = None
# Exporters run by ExportPipeline, {dotted path: {options}}, like ITEM_PIPELINES.
EXPORTERS = {
    "crawler.exporters.jsonl.JsonLinesExporter": {},
    "crawler.exporters.hexo.HexoExporter": {},
}
# Articles exported together, at most: one fsync per file and one store transaction per batch
# (articles arriving while a batch is written form the next).
EXPORT_BATCH_MAX = 100
# Seconds the first article of a batch waits for more before the batch is written (unless
# EXPORT_BATCH_MAX wait already): fewer, larger batches, so fewer fsyncs and store transactions.
# Off by default: the articles of a batch written but not yet recorded when a worker of a
# distributed crawl is killed are written again by the worker that takes their requests back,
# and a waiting batch is larger (tests/test_distributed.py allows one such duplicate).
EXPORT_BATCH_WAIT = 0.0
# Also enable every exporter that an installed package declares in the crawler.exporters
# entry-point group (EXPORTERS = {name: None} disables one).
EXPORTERS_ENTRY_POINTS = True
# Where the site showing our output lives ("https://news.example"): feeds give local image
# copies under it; unset, feeds give images their original addresses.
SITE_URL = ""
# Entries in each source's Atom and RSS feeds (SyndicationExporter), newest first.
FEED_MAX_ENTRIES = 50
# An article whose body HTML is larger than this (bytes) is dropped as too_large.
ARTICLE_MAX_BYTES = 2 * 1024 * 1024
# Pages of one article followed and joined (its first page included).
ARTICLE_MAX_PAGES = 20
# What to do with an article whose page gives no date: "listing" (use the listing date,
# else the crawl time) or "drop".
DATE_FALLBACK = "listing"

ITEM_PIPELINES = {
    "crawler.pipelines.validate.ValidatePipeline": 100,
    "crawler.pipelines.normalize.NormalizePipeline": 200,
    "crawler.pipelines.dedupe.DedupePipeline": 300,
    "crawler.pipelines.images.ArticleImagesPipeline": 400,
    "crawler.pipelines.export.ExportPipeline": 900,
}
# WRITE_REPORTS (not set here: a command's default_settings rank below the project's) is set
# by `scrapy crawl` and `scrapy demo`: only a real crawl writes output/reports/..., is judged
# by the health checks and shows its progress.
EXTENSIONS = {
    # The run's id and the values of output path templates (exporters, report).
    "crawler.runs.Run": 0,
    # Opens DEDUPE_STORE and runs its calls on one worker thread, off the reactor's.
    "crawler.stores.extension.SeenStoreExtension": 0,
    # Logs the closing summary, judges the run's health and writes
    # output/reports/<source>/<run>.json.
    "crawler.report.CrawlReport": 500,
    # POSTs failed health checks to ALERT_WEBHOOK (left out when it is unset).
    "crawler.alerts.WebhookAlert": 510,
    # Live progress on a terminal, else a periodic log line; it replaces Scrapy's LogStats.
    "crawler.progress.Progress": 520,
    # Warns while USER_AGENT is the default, which names no contact.
    "crawler.useragent.ContactCheck": 530,
    # A robots.txt that could not be fetched is logged in one line, not with a traceback.
    "crawler.logfilters.OneLineFailures": 540,
    # Log messages below LOG_LEVEL are not built (Scrapy builds each, then drops it).
    "crawler.loglevel.LogLevel": 550,
    # Article pages read by EXTRACT_PROCESSES worker processes, off the reactor's thread.
    "crawler.extract.workers.ExtractWorkers": 560,
    # The objects the crawl starts with left out of the garbage collector's passes (GC_FREEZE).
    "crawler.gcfreeze.FreezeStartupObjects": 570,
    "scrapy.extensions.logstats.LogStats": None,
}

# Health checks of every crawl (crawler.health), judged at its end: a failed one is logged,
# printed, makes `scrapy crawl` exit 1 and is POSTed to ALERT_WEBHOOK. A seed's [health]
# table sets them for its own crawl.
# Fewest article links (seen or not) the listings of a run must give.
HEALTH_MIN_ARTICLES_FOUND = 1
# Least share of the article pages fetched that must give an article (exported, or unchanged).
HEALTH_MIN_EXPORTED = 0.1
# Least share of exported articles with each field: an author other than the site's name, a
# date from the page, a head image, a text over 200 characters. HEALTH_MIN_COVERAGE (and a
# seed's [health.min_coverage]) overrides fields of the base, as ITEM_PIPELINES does.
HEALTH_MIN_COVERAGE_BASE = {"author": 0.0, "date": 0.0, "headimg": 0.0, "text": 0.5}
HEALTH_MIN_COVERAGE: dict[str, float] = {}
# Largest share of listing and article pages that may fail (4xx, 5xx, timeouts, not HTML...).
HEALTH_MAX_ERROR_RATE = 0.5
# Shares are judged on at least this many pages (exported, error rate) or articles (coverage).
HEALTH_MIN_PAGES = 5
# Articles an exporter may fail to write in one run before the run is unhealthy (they are
# retried by the next run either way).
HEALTH_MAX_EXPORT_ERRORS = 0
# Where failed health checks are POSTed as JSON ({source, run, health, report}); unset: nowhere.
ALERT_WEBHOOK = ""
# Seconds to wait for the webhook before giving up (the crawl's exit status stays 1).
ALERT_WEBHOOK_TIMEOUT = 10.0

# Progress of a crawl: "auto" (a live display on a terminal, else a log line every
# PROGRESS_INTERVAL seconds), "log" (the line only) or "off".
PROGRESS = "auto"
PROGRESS_INTERVAL = 60.0

# `scrapy schedule`: crawls run at once at most, and seconds a stopping scheduler waits for its
# running crawls before it kills them.
SCHEDULE_MAX_CRAWLS = 4
SCHEDULE_STOP_TIMEOUT = 300.0
SPIDER_MIDDLEWARES = {
    # Drops listed articles already exported (or failed recently) in one store call per page.
    "crawler.stores.middleware.IncrementalMiddleware": 950,
}

# Request fingerprints kept on disk rather than in a set of every request: flat memory.
DUPEFILTER_CLASS = "crawler.dupefilters.DiskDupeFilter"
# Freeze (gc.freeze) the objects the process holds when the first crawl's engine starts: the
# garbage collector's full passes no longer go over them (crawler.gcfreeze).
GC_FREEZE = True
# Scrapy's MemoryStatsCollector without the cost Scrapy adds to each stats call (crawler.stats).
STATS_CLASS = "crawler.stats.StatsCollector"

# Be a polite crawler, for a crawler that visits the same sites for months. A seed's
# [settings] table sets any of these for its own crawl.
ROBOTSTXT_OBEY = True
# Say who crawls: the name and version, and a contact a site's admin can write to. While it is
# this default, each crawl logs a warning (crawler.useragent.ContactCheck).
USER_AGENT = f"crawler/{__version__} (+contact not set)"
CONCURRENT_REQUESTS = 16
# At most this many requests in flight to one site (Scrapy's default is 8, its project template's
# 1): a news site's server does not notice 4, and images share the count.
CONCURRENT_REQUESTS_PER_DOMAIN = 4
# AutoThrottle: the delay between two requests to a site follows its response time (latency
# divided by the target concurrency, so about one request at a time), from 1 s at the start up to
# 60 s when the site slows down. DOWNLOAD_DELAY (Scrapy's, 0) is the least delay.
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
# Worker processes that read article pages (extraction, cleaning, next page) while the reactor's
# thread goes on with the crawl (crawler.extract.workers); 0: read in the reactor's thread;
# "auto": one a CPU beside the reactor's, at most 4 (1 on 2 CPUs; under `scrapy schedule` the
# spare CPUs shared between its crawls). They start only in a crawl whose thread is busy (below):
# on the benchmark (2 CPUs) they raise pages/s +8 % with selectors and images, +30 % with generic
# extraction, for ~110 MB of RSS and ~1 CPU s of start-up.
EXTRACT_PROCESSES = "auto"
# Article pages a crawl reads in its own thread before it starts the workers: a small crawl
# (a test's, `scrapy parse`) is not kept waiting for processes to start.
EXTRACT_PROCESSES_AFTER = 50
# ... and the share of that time the crawl's thread was busy (its CPU time over the wall time,
# checked every EXTRACT_PROCESSES_AFTER pages): a crawl waiting on AutoThrottle or a slow site
# starts none. 0: start after EXTRACT_PROCESSES_AFTER pages whatever the thread does.
EXTRACT_PROCESSES_BUSY = 0.5
# 100 spends about a third of a bare crawl's CPU starting tasks; 10 is faster.
CONCURRENT_ITEMS = 10
# A scheduled crawler must not wait minutes on a site that never answers: 10 s a try, one retry
# (a dead channel page costs 20 s, every channel at once).
DOWNLOAD_TIMEOUT = 10
RETRY_TIMES = 1
# Every dropped article is counted in stats and the closing summary; one INFO line is enough.
DEFAULT_DROPITEM_LOG_LEVEL = "INFO"
LOG_FORMATTER = "crawler.logformatter.ArticleLogFormatter"
LOG_LEVEL = "INFO"

# The modern asyncio reactor, as Scrapy's own project template sets it.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
# No listening consoles: a scheduled crawler has no one at a telnet prompt.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# Query parameters that only track a visit: removed before an article is requested or keyed.
TRACKING_PARAMS = [
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "utm_id",
    "utm_name",
    "fbclid",
    "gclid",
    "dclid",
    "msclkid",
    "yclid",
    "mc_cid",
    "mc_eid",
    "igshid",
    "_ga",
    "spm",
]

# Where the seen-store lives: sqlite:///<path> (default: <OUTPUT_DIR>/state/seen.sqlite) or memory://.
DEDUPE_STORE = None
# Seen-store back ends by URI scheme, {scheme: dotted path of a SeenStore}, like FEED_STORAGES_BASE.
DEDUPE_STORES_BASE = {
    "sqlite": "crawler.stores.sqlite.SqliteStore",
    "redis": "crawler.stores.redis.RedisStore",
    "rediss": "crawler.stores.redis.RedisStore",
    "memory": "crawler.stores.memory.MemoryStore",
}
# More back ends, or None to disable one of DEDUPE_STORES_BASE.
DEDUPE_STORES: dict[str, str | None] = {}
# An article page that gave nothing (a 4xx, no title or body) is asked again after this long.
RETRY_FAILED_AFTER = 24 * 3600

# Images: Scrapy's ImagesPipeline settings; IMAGES_STORE defaults to <OUTPUT_DIR>/images.
IMAGES_STORE = None
IMAGES_THUMBS = {"small": (300, 300)}
# Smaller images (tracking pixels, spacers) are not kept.
IMAGES_MIN_WIDTH = 16
IMAGES_MIN_HEIGHT = 16
# False: no image is downloaded (the images pipeline is left out).
IMAGES_ENABLED = True
# Hosts images may be downloaded from, subdomains included; empty: any host (a CDN too). A
# seed's image_domains sets it for its own crawl.
IMAGES_DOMAINS: list[str] = []
# Images are requested without a Referer ("none") or with the article's URL ("page"); a seed's
# image_referer sets it for its own crawl.
IMAGES_REFERER = "none"
# Point body images, headimg and thumbnail at the local copies, served under this prefix.
IMAGES_REWRITE = True
IMAGES_URL_PREFIX = "/images/"
# Larger responses, images included, are refused.
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024

# Rendering (a seed's render = "splash" | "playwright").
# scrapy-splash's middlewares and request fingerprinter, set up when SPLASH_URL is set.
ADDONS = {
    "crawler.render.addons.SplashAddon": 0,
    # scrapy-redis's scheduler and dupefilter, set up when REDIS_URL is set.
    "crawler.distributed.addon.DistributedAddon": 0,
}
# SPLASH_URL (scrapy-splash's own setting) is unset: a seed rendered by Splash needs it.
# Seconds a rendered page may take to show its wait_for (article) or link (listing) selector;
# a page that does not fails as wait_for_timeout.
RENDER_TIMEOUT = 10
# Playwright: one browser context, at most 4 pages open in it at once (a page is a Chromium
# tab: about 50 MB and a share of 2 cores). PLAYWRIGHT_LAUNCH_OPTIONS (unset) finds the
# system's Chromium by itself: $PLAYWRIGHT_CHROMIUM, chromium or chromium-browser.
PLAYWRIGHT_MAX_CONTEXTS = 1
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4
# Where `scrapy splash install` makes Splash's Python environment (for `scrapy splash start`).
SPLASH_VENV = str(PROJECT_DIR / ".splash")

# Distributed crawls: several `scrapy crawl NAME` (on one machine or many) share one seed's
# frontier in Redis. REDIS_URL (scrapy-redis's own setting, unset) turns the mode on: the
# scheduler and dupefilter are scrapy-redis's, and DEDUPE_STORE defaults to the same Redis.
REDIS_URL = None
# A worker closes once the frontier has been empty this long (seconds).
IDLE_CLOSE_SECONDS = 10
# A worker's id names its feed file (<run>-<worker id>.jsonl); unset: <host name>-<process id>.
WORKER_ID = None
# Seconds a worker's lease lasts without a heartbeat (renewed twice a second): the requests
# of a worker killed mid-run go back to the frontier this long after its last heartbeat.
WORKER_LEASE_SECONDS = 30

# `scrapy report` (OUTPUT_DIR/report.html): the newest runs drawn in each source's chart, and
# the latest articles listed under it.
DASHBOARD_RUNS = 100
DASHBOARD_ARTICLES = 10
