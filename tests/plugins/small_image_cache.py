"""The crawler's images pipeline keeping the result of one image request only (tests)."""

from crawler.pipelines.images import ArticleImagesPipeline


class OneResultImagesPipeline(ArticleImagesPipeline):
    RESULTS_KEPT = 1
