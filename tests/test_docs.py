"""The README stays a front door, and the links of the README and docs/ lead somewhere.

- README.md stays under 12,000 bytes; the manual lives in docs/.
- Every relative link (and image) of README.md and docs/*.md names a file of the
  repository, and a `#fragment` into a Markdown file names one of its headings.
- Every page of docs/ is linked from the README's "Where to go next".
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
README_LIMIT = 12_000
IMAGE_LIMIT = 150_000

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
CODE = re.compile(r"`[^`\n]*`")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def pages() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md"))]


def prose(text: str) -> str:
    """The text without code blocks and inline code (links there are examples)."""
    return CODE.sub("", FENCE.sub("", text))


def links(page: Path) -> list[str]:
    return LINK.findall(prose(page.read_text(encoding="utf-8")))


def anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = CODE.sub(lambda m: m.group(0).strip("`"), heading).lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    return {anchor(h) for h in HEADING.findall(FENCE.sub("", page.read_text(encoding="utf-8")))}


def relative(target: str) -> bool:
    return not re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE)


def test_readme_is_under_12_kb():
    size = README.stat().st_size
    assert size < README_LIMIT, f"README.md is {size} bytes; move detail into docs/"


def broken_links(page: Path) -> list[str]:
    """The relative links of `page` that name no file, or no heading of a Markdown file."""
    broken = []
    for target in filter(relative, links(page)):
        path, _, fragment = target.partition("#")
        resolved = (page.parent / path).resolve() if path else page
        if not resolved.exists():
            broken.append(f"{target}: no such file")
            continue
        if fragment and resolved.suffix == ".md" and fragment not in anchors(resolved):
            broken.append(f"{target}: no heading #{fragment} in {resolved.name}")
    return broken


@pytest.mark.parametrize("page", pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_names_an_existing_file_and_heading(page):
    assert broken_links(page) == []


def test_every_docs_page_is_linked_from_the_readme():
    linked = {
        (ROOT / target.partition("#")[0]).resolve()
        for target in filter(relative, links(README))
        if target.partition("#")[0]
    }
    missing = [p.name for p in sorted(DOCS.glob("*.md")) if p.resolve() not in linked]
    assert missing == [], f"docs/ pages the README does not link: {missing}"


def test_readme_shows_screenshots_that_exist_and_stay_small():
    images = [t for t in links(README) if relative(t) and t.endswith(".png")]
    assert len(images) >= 3
    for target in images:
        path = ROOT / target
        assert path.exists(), target
        assert path.stat().st_size < IMAGE_LIMIT, f"{target}: {path.stat().st_size} bytes"


def test_anchor_follows_github_rules():
    assert anchor("SEQUENCE: what counts as a change") == "sequence-what-counts-as-a-change"
    assert anchor("How the solver honours `max_meetings` and `priority`") == (
        "how-the-solver-honours-max_meetings-and-priority"
    )
    assert anchor("No test depends on the machine's speed") == (
        "no-test-depends-on-the-machines-speed"
    )


def test_a_broken_link_or_heading_is_caught_and_code_is_left_alone(tmp_path):
    (tmp_path / "other.md").write_text("# Other\n\n## A heading: here\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n\nSee [gone](missing.md), [good](other.md#a-heading-here), "
        "[bad](other.md#nowhere), [self](#page), [web](https://example.org/x.md) "
        "and `[code](ignored.md)`.\n\n```\n[block](ignored-too.md)\n```\n",
        encoding="utf-8",
    )
    assert broken_links(page) == [
        "missing.md: no such file",
        "other.md#nowhere: no heading #nowhere in other.md",
    ]
