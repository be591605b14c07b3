"""Every author pattern of the crawler: the labels and signatures that name an article's author
in its text, and the cleaning of an author's name."""

from __future__ import annotations

import re

# Words that start the next field of a byline, not another author's name.
BYLINE_FIELDS = "发布|时间|日期|来源|编辑|责任|更新|阅读|点击|发自|报道|摄|于|素材|图片|通讯员"
# A Chinese name (or several), never running into the byline's next word ("本报记者罗科苏盈发自
# 北京", "记者王小明报道"), a capitalised Latin one, or one handle. A further Chinese
# name is two or three characters standing alone ("王建宏 张文攀", not "宋怡 我要说说").
CJK_NAME = rf"(?:(?!{BYLINE_FIELDS})[\u4e00-\u9fff·&]){{2,6}}"
MORE_CJK_NAMES = rf"(?:[ 、](?!{BYLINE_FIELDS})[\u4e00-\u9fff·]{{2,3}}(?=[\s、）)]|$)){{0,5}}"
LATIN_NAME = r"[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3}"
NAME = rf"(?!{BYLINE_FIELDS}){CJK_NAME}{MORE_CJK_NAMES}|{LATIN_NAME}|[\w&]+"
AUTHOR_LABEL = re.compile(
    r"(?:(?:作者|撰文|撰稿|文)\s*[：:/]|记者[：:\s]?|\bBy\s|本贴由)\s*"
    rf"(?P<name>{NAME})"
)
CJK_AUTHOR_LABEL = re.compile(
    rf"(?:(?:作者|撰文|撰稿|文)\s*[：:/]|记者[：:\s]?|本贴由)\s*(?P<name>{NAME})"
)
# A post signed by its poster: "由海姑娘张贴 @ 2005-03-21", "ggjjzhzz 发表于 2005-9-15".
POSTED_BY = re.compile(
    rf"由\s*(?P<name>{CJK_NAME}|[\w&]+?)\s*(?:张贴|发表|发布)"
    r"|(?<![\w.-])(?P<handle>[A-Za-z][\w&.-]{1,29})\s*(?:发表于|posted\b)",
    re.I,
)
# After the body: "（记者 张三）", "（张三）", and, failing an author, the editor in charge.
SIGNATURE = re.compile(
    rf"[（(]\s*(?:记者\s*(?P<reporter>{CJK_NAME}(?: {CJK_NAME}){{0,3}})"
    r"|(?P<name>[\u4e00-\u9fff]{2,3}))\s*[）)]"
)
# A reporter signing the body's last line: "新华日报记者 徐睿翔".
REPORTER_SIGNED = re.compile(rf"(?:记者|作者)(?:\s+|[：:]\s*)(?P<name>{NAME})")
EDITOR_LABEL = re.compile(rf"(?:责任编辑|编辑)\s*[：:]\s*(?P<name>{CJK_NAME})")
# "作者：", "来源:", "记者 ", "By " and the like before an author's name, to be removed.
AUTHOR_PREFIX = re.compile(
    r"^(?:(?:作者|来源|记者|编辑|责任编辑|责编|撰文|文)\s*[：:|｜]\s*|记者\s*|by(?:[\s:]+|$))",
    re.IGNORECASE,
)
# A short line that is a byline ("澎湃新闻记者 贺梨萍", "By Paul Takahashi", "来源：新华社").
BYLINE = re.compile(r"记者|作者|来源[：:]|编辑[：:]|^By\s")
BYLINE_LENGTH = 30
# An author meta that names the site instead: a web address, or a list of outlets.
NOT_A_PERSON = re.compile(r"https?://|www\.|\.(?:com|cn|net|org)\b")
# How much of the body's last lines and of the text after the body a signature may take.
SIGNATURE_REACH = 40
SIGNATURE_AFTER = 12
TAIL_WINDOW = 120


# One name of a byline, never across a line (a text node's end): a Latin name of capitalised
# words and particles, stopped by a month or weekday ("Maren Estrada November 19th"); or a
# Chinese name not starting with a byline field's word.
PARTICLES = "van|von|de|der|den|da|di|del|della|du|la|le|bin|al|dos|das|y"
DATE_WORDS = (
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|January|February|March|April|June"
    r"|July|August|September|October|November|December|Mon|Tue|Wed|Thu|Fri|Sat|Sun|Monday"
    r"|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Updated|Published|Posted)\b"
)
LATIN_WORD = r"[A-ZÀ-ÞĀ-ŽА-ЯЁΑ-Ω][\w'’.-]*"
BYLINE_NAME = re.compile(
    rf"(?!(?i:{DATE_WORDS})){LATIN_WORD}"
    rf"(?:[ \t]+(?!(?i:{DATE_WORDS}))(?:{LATIN_WORD}|(?:{PARTICLES})(?=[ \t]+[A-Z]))){{0,4}}"
    rf"|(?!本报)(?:(?!{BYLINE_FIELDS})[\u4e00-\u9fff·]){{2,6}}"
    rf"(?:(?![\u4e00-\u9fff])|(?={BYLINE_FIELDS}))"
)
# Between two names of a list: "A, B and C", "A & B", "A、B", "A und B"; Chinese names also
# by a space ("王建宏 张文攀"), but only when the list began so.
NAME_SEPARATOR = re.compile(r"\s*(?:,|，|;|；|&|、|\b(?:and|und|et|y|e)\b)\s*|[ \t]+", re.I)
# A byline's label before its names.
BYLINE_LABEL = re.compile(
    r"^\s*(?:(?:written|words|reporting|text|posted|story)\s+by\b|by\b|von\b|por\b|par\b"
    r"|(?:作者|撰文|撰稿|文|记者|本报记者|通讯员)\s*[：:]?|text\s*:)[\s:：]*",
    re.I,
)
# A name that is a role written after the names ("Greg Beacham, AP Sports Writer").
ROLE = re.compile(
    r"\b(?:writer|reporter|correspondent|editor|columnist|contributor|photographer)s?$", re.I
)

# A name running on into a sentence ("The Russian and Syrian defense ministries"): prose.
PROSE = re.compile(r"[ \t]+(?!(?:on|in|at|for|from|via|and|und|et|y|e)\b)[a-z]")


def names_in_byline(text: str, labelled: bool = False) -> list[str]:
    """Every name a byline lists at its start, after its label ("By A, B and C", "记者
    林晓舟、陈一帆"): names separated by commas, "and", "&" or 、 (newspaper #343, GNE #34),
    stopped at the first text that is not a name (a date, a handle, the next line: text nodes
    are joined with newlines, so "Jane Roe" + "Police said" stays "Jane Roe"). With
    ``labelled``, a byline without a label gives nothing."""
    label = BYLINE_LABEL.match(text)
    if labelled and not label:
        return []
    at, names, separator = label.end() if label else 0, [], None
    while True:
        found = BYLINE_NAME.match(text, at)
        if not found:
            break
        name = found.group().strip()
        if PROSE.match(text, found.end()):
            return []
        if not ROLE.search(name):
            names.append(name)
        between = NAME_SEPARATOR.match(text, found.end())
        if not between:
            break
        kind = between.group().strip().casefold() or " "
        cjk_space = kind == " " and name[-1] >= "\u4e00"
        if (kind == " " and not cjk_space) or (
            separator is not None and (kind == " ") != (separator == " ")
        ):
            break
        separator, at = kind, between.end()
    return list(dict.fromkeys(names))


def clean_author(author: str | None) -> str | None:
    """An author's name without labels ("作者：", "By ") and with whitespace folded."""
    author = " ".join((author or "").split()) or None
    while author and AUTHOR_PREFIX.match(author):
        author = " ".join(AUTHOR_PREFIX.sub("", author, count=1).split()) or None
    return author


def is_byline(text: str) -> bool:
    """Whether a short line of text is a byline."""
    return len(text) <= BYLINE_LENGTH and bool(BYLINE.search(text))


def not_a_person(author: str) -> bool:
    """An author value that names a site (a web address, an outlet's domain), not a person."""
    return bool(NOT_A_PERSON.search(author))


def _first(patterns: tuple[re.Pattern[str], ...], text: str) -> re.Match[str] | None:
    matches = [m for m in (pattern.search(text) for pattern in patterns) if m]
    return min(matches, key=lambda m: m.start()) if matches else None


def _name(found: re.Match[str]) -> str:
    groups = found.groupdict()
    return (groups.get("reporter") or groups.get("name") or groups.get("handle") or "").strip()


def author_in_text(byline: str, last_lines: str, after: str) -> str | None:
    """The author a page writes around its article: a labelled author (every name of its
    list, joined with ", ") or a poster in the byline; else a signature closing the body
    ("（记者 张三）", "记者 张三"); else an author or poster named right after the body, but
    never a "By X" there, which is a related list's (newspaper4k #180); else the editor named
    there. None without one."""
    closing = last_lines[-SIGNATURE_REACH:] + after[:SIGNATURE_AFTER]
    tail = after[:TAIL_WINDOW]
    labelled = _first((AUTHOR_LABEL, POSTED_BY), byline)
    if labelled and labelled.re is AUTHOR_LABEL:
        names = names_in_byline(byline[labelled.start() :])
        if names:
            return ", ".join(names)
    found = (
        labelled
        or _first((SIGNATURE, REPORTER_SIGNED), closing)
        or _first((CJK_AUTHOR_LABEL, POSTED_BY), tail)
        or EDITOR_LABEL.search(closing + after)
    )
    if not found:
        return None
    return _name(found) or None
