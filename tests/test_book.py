"""The book on the bundled data: built once, then re-executed (nbval), compared, browsed, link-checked.

Headline numbers are compared with ``tests/reference/headline.csv``; to
regenerate it after a deliberate change of the findings, see
``tests/reference/regenerate.py``.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html import unescape as html_unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pandas as pd
import pytest

from analysis.build.publish import project_version
from analysis.core.paths import INPUTS_CHECKED_ENV, PROJECT_ROOT, SYNTHETIC_DIR
from analysis.results import read_results

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("book")]

REFERENCE = PROJECT_ROOT / "tests" / "reference" / "headline.csv"
SANITIZE = PROJECT_ROOT / "tests" / "nbval_sanitize.cfg"
ARTIFACTS = PROJECT_ROOT / "_build" / "test-artifacts"
LATEXMK = shutil.which("latexmk")
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TOLERANCE_PCT = 1e-4


@pytest.fixture(scope="module")
def book_run(tmp_path_factory):
    """One build of the book on the bundled data and default parameters, two chapters at a time.

    It is the suite's only build of the bundled book: the checks of the site
    use it (with ``--pdf`` when LaTeX is installed, so the PDF and its links
    are checked on the same build), and :func:`test_nbval_serial_reexecution_matches_the_parallel_build`
    re-executes its chapters one after another and compares every output file
    with this parallel build's (the determinism check, once per suite).
    """
    root = tmp_path_factory.mktemp("book")
    out = root / "out"
    r = subprocess.run([sys.executable, "-m", "analysis", "run", "--out", str(out), "--cache-dir",
                        str(root / "cache"), "--jobs", "2", *(["--pdf"] if LATEXMK else [])],
                       capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=1500)
    assert r.returncode == 0, f"the book build failed:\n{r.stdout[-2000:]}\n{r.stderr[-4000:]}"
    return {"out": out, "cache": root / "cache", "stdout": r.stdout}


@pytest.fixture(scope="module")
def book(book_run):
    """The output folder of :func:`book_run`."""
    return book_run["out"]


def _chapters(out: Path) -> list[str]:
    return sorted(p.stem for p in (out / "executed").glob("*.ipynb"))


def test_every_chapter_is_executed_and_rendered(book):
    from analysis.build.run import chapter_sources

    expected = sorted(p.stem for p in chapter_sources())
    assert _chapters(book) == expected
    for ch in expected:
        assert (book / "html" / "book" / f"{ch}.html").is_file()
    assert (book / "results" / "estimates.csv").is_file() and (book / "manifest.json").is_file()


def test_parallel_build_ran_two_chapters_side_by_side(book_run):
    lines = [ln for ln in book_run["stdout"].splitlines() if ln.startswith("[")]
    first_done = next(k for k, ln in enumerate(lines) if ": done in " in ln)
    # Two different chapters started before the first ended (the longest start first: run.longest_first).
    started = {ln.split("]")[0] for ln in lines[:first_done] if ": running" in ln}
    assert len(started) >= 2, book_run["stdout"]
    assert json.loads((book_run["out"] / "manifest.json").read_text())["jobs"] == 2


def _chapter_outputs(cache: Path) -> dict[str, bytes]:
    """Every file the chapters wrote into their cache entries' output folders (figures, results)."""
    files = {}
    for entry in sorted((cache / "chapters").glob("*/*/out")):
        for p in sorted(entry.rglob("*")):
            if p.is_file() and p.name != "run-context.json":
                files[str(p.relative_to(cache / "chapters"))] = p.read_bytes()
    return files


def test_nbval_serial_reexecution_matches_the_parallel_build(book_run, tmp_path):
    """Re-executing every chapter one after another (nbval) gives the same cell outputs, and the same
    figure files, estimates and panels byte for byte as the build that ran two chapters at a time.

    The re-executed notebooks write into the build's own chapter folders (their
    injected ``output_dir``). Before they run, the figures and results of every
    chapter that reads nothing of the others are deleted, so each is written
    afresh, and the panel cache is deleted, so the panels are built again
    serially; the pages of ``LAST`` keep what the run seeded them with (the
    other chapters' results and figures).
    """
    from analysis.build.run import LAST

    cache = book_run["cache"]
    notebooks = sorted(glob.glob(str(book_run["out"] / "executed" / "*.ipynb")))
    assert len(notebooks) == len(_chapters(book_run["out"])) >= 2
    parallel = _chapter_outputs(cache)
    assert any("/figures/fig-" in k for k in parallel) and any(k.endswith("/results/estimates.csv") for k in parallel)
    panels = {str(p.relative_to(cache)): p.read_bytes() for p in sorted((cache / "panels").rglob("*.parquet"))}
    assert panels, "the build cached no panels"
    for entry in (cache / "chapters").glob("*/*/out"):
        if entry.parent.parent.name not in LAST:
            for sub in ("figures", "results"):
                shutil.rmtree(entry / sub, ignore_errors=True)
    shutil.rmtree(cache / "panels")
    # Not with pytest-xdist: it hands one notebook's cells to different kernels (NameError in later cells).
    r = subprocess.run([sys.executable, "-m", "pytest", "--nbval", *notebooks, "--nbval-sanitize-with",
                        str(SANITIZE), "-q", "-p", "no:cacheprovider", "-o", "addopts=",
                        "-W", "ignore::DeprecationWarning"],
                       capture_output=True, text=True, cwd=tmp_path, timeout=1200,
                       env={**os.environ, INPUTS_CHECKED_ENV: "1"})  # the run checked the inputs once
    assert r.returncode == 0, r.stdout[-6000:]
    assert re.search(r"\d+ passed", r.stdout)
    serial = _chapter_outputs(cache)
    assert sorted(serial) == sorted(parallel), set(serial) ^ set(parallel)
    differ = [k for k in parallel if serial[k] != parallel[k]]
    assert not differ, f"files differ between the parallel build and the serial re-execution: {differ}"
    again = {str(p.relative_to(cache)): p.read_bytes() for p in sorted((cache / "panels").rglob("*.parquet"))}
    assert sorted(again) == sorted(panels) and all(again[k] == panels[k] for k in panels), "panels differ"


def test_headline_estimator_matches_reference():
    """The sweep's headline function on the bundled data reproduces the committed reference."""
    from analysis.core.params import check_schema
    from analysis.results import results_frame
    from analysis.estimation.headline import headline_estimates

    params, _ = check_schema({})
    params["data_dir"] = str(SYNTHETIC_DIR)
    got = results_frame(headline_estimates(params)).set_index("id")
    ref = pd.read_csv(REFERENCE).set_index("id")
    assert len(ref) > 0
    assert len(got) >= 19 and set(got.index) <= set(ref.index), sorted(set(got.index) - set(ref.index))
    diff = (got["estimate_pct"] - ref.loc[got.index, "estimate_pct"]).abs()
    assert (diff < TOLERANCE_PCT).all(), diff[diff >= TOLERANCE_PCT]
    assert (got["n_obs"] == ref.loc[got.index, "n_obs"]).all()


def test_book_headline_numbers_equal_reference(book):
    res = read_results(book / "results" / "estimates.csv").set_index("id")
    ref = pd.read_csv(REFERENCE).set_index("id")
    common = ref.index.intersection(res.index)
    assert len(common) > 0, f"the chapters write none of the {len(ref)} headline ids"
    missing = sorted(set(ref.index) - set(res.index))
    assert not missing, f"headline ids missing from the book's results: {missing}"
    diff = (res.loc[common, "estimate_pct"] - ref.loc[common, "estimate_pct"]).abs()
    assert (diff < TOLERANCE_PCT).all(), diff[diff >= TOLERANCE_PCT]


# ---------------------------------------------------------------------------
# The site: links, images, a real browser
# ---------------------------------------------------------------------------


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.imgs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name"):
            if a.get(key):
                self.ids.add(a[key])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "img" and a.get("src"):
            self.imgs.append(a["src"])


def _parse(path: Path) -> _Refs:
    p = _Refs()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def _site_pages(book: Path) -> list[Path]:
    html = book / "html"
    return sorted(p for p in html.rglob("*.html") if "_static" not in p.parts and "_sources" not in p.parts)


def test_no_broken_internal_links_or_images(book):
    html = book / "html"
    parsed = {p: _parse(p) for p in _site_pages(book)}
    broken = []
    n_links = 0
    for page, refs in parsed.items():
        for href in refs.links:
            u = urlsplit(href)
            if u.scheme in ("http", "https", "mailto") or href.startswith("//"):
                continue
            n_links += 1
            target = page if not u.path else (page.parent / unquote(u.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(html)} -> {href} (no file)")
                continue
            if u.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else _parse(target).ids
                if unquote(u.fragment) not in ids:
                    broken.append(f"{page.relative_to(html)} -> {href} (no anchor)")
        for src in refs.imgs:
            u = urlsplit(src)
            if u.scheme in ("http", "https"):
                broken.append(f"{page.relative_to(html)}: remote image {src}")
            elif u.scheme != "data" and not (page.parent / unquote(u.path)).is_file():
                broken.append(f"{page.relative_to(html)}: missing image {src}")
    assert n_links > 20, "suspiciously few internal links"
    assert not broken, "\n".join(broken[:30])


def _chromium(*args: str, timeout: int = 90) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        return subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=timeout)


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (apt-get install chromium; .ci/run does it)")
def test_every_chapter_page_loads_in_chromium(book):
    bad = []
    for ch in _chapters(book):
        page = book / "html" / "book" / f"{ch}.html"
        r = _chromium("--virtual-time-budget=3000", "--dump-dom", page.as_uri())
        dom = r.stdout
        static = _parse(page)
        if r.returncode != 0 or "<h1" not in dom or "bd-article" not in dom:
            bad.append(f"{ch}: page did not render (exit {r.returncode})")
            continue
        n_img = len(re.findall(r"<img\b", dom))
        if n_img < len(static.imgs):
            bad.append(f"{ch}: {len(static.imgs)} images in the HTML, {n_img} in the rendered page")
    assert not bad, "\n".join(bad)


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (apt-get install chromium; .ci/run does it)")
def test_summary_page_screenshot(book):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "summary.png"
    shot.unlink(missing_ok=True)
    page = book / "html" / "book" / "00_summary.html"
    r = _chromium("--window-size=1280,2000", "--virtual-time-budget=3000", f"--screenshot={shot}", page.as_uri())
    assert r.returncode == 0 and shot.is_file(), r.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000, "blank or broken screenshot"
    print(f"screenshot of the summary page: {shot}")


def test_injected_parameters_hidden_and_no_machine_paths(book):
    for ch in _chapters(book):
        text = (book / "html" / "book" / f"{ch}.html").read_text(encoding="utf-8")
        assert "injected-parameters" not in text, ch
        assert str(book) not in text and os.path.dirname(str(book)) not in text, ch




# ---------------------------------------------------------------------------
# Issue 14: a site that works offline, with its downloads and one citation
# ---------------------------------------------------------------------------

_REMOTE = re.compile(r"""(?:\bsrc\s*=\s*|<link\b[^>]*\bhref\s*=\s*|url\(\s*)["']?\s*(?:https?:)?//""", re.I)


def test_nothing_on_the_site_loads_from_another_host(book):
    """No script, stylesheet, image, font or icon of any page or stylesheet comes from another host."""
    html = book / "html"
    files = [p for p in html.rglob("*") if p.suffix in (".html", ".css") and "mathjax" not in p.parts]
    bad = [f"{p.relative_to(html)}: {m.group(0)}" for p in files
           for m in _REMOTE.finditer(p.read_text(encoding="utf-8", errors="replace"))]
    assert not bad, "\n".join(bad[:20])
    methods = (html / "book" / "05_methods.html").read_text(encoding="utf-8")
    assert re.search(r'<script[^>]+src="\.\./_static/mathjax/tex-chtml\.js', methods), "MathJax is not the local copy"
    assert (html / "_static" / "mathjax" / "tex-chtml.js").is_file()


def test_every_figure_links_its_published_files(book):
    html = book / "html"
    figs = sorted(p.stem for p in (book / "figures").glob("fig-*.json"))
    assert len(figs) >= 10
    linked: dict[str, set[str]] = {}
    for page in _site_pages(book):
        for href in _parse(page).links:
            m = re.fullmatch(r"\.\./figures/(fig-[a-z0-9-]+)\.(svg|png|pdf|csv|json)", href)
            if m:
                assert (page.parent / href).resolve().is_file(), f"{page.name} -> {href}"
                linked.setdefault(f"{page.name}:{m.group(1)}", set()).add(m.group(2))
    for fid in figs:
        for ext in ("svg", "png", "pdf", "csv", "json"):
            assert (html / "figures" / f"{fid}.{ext}").read_bytes() == (book / "figures" / f"{fid}.{ext}").read_bytes()
        pages = [k for k in linked if k.endswith(f":{fid}")]
        assert "a4_figures.html" in {k.split(":")[0] for k in pages}, fid
        assert len(pages) == 2, f"{fid} should be linked under its figure and in appendix D: {pages}"
        assert all(linked[k] == {"svg", "png", "pdf", "csv", "json"} for k in pages), fid
    for page in ("00_summary.html", "a4_figures.html"):
        links = _parse(html / "book" / page).links
        assert "../results/estimates.csv" in links and "../results/claims.csv" in links, page
    published = pd.read_csv(html / "results" / "estimates.csv")
    run = read_results(book / "results" / "estimates.csv")
    assert list(published["id"]) == list(run["id"])
    manifest = json.loads((book / "manifest.json").read_text())
    assert set(published["extract_sha256"]) == {manifest["extract"]["checksum"]}
    claims = pd.read_csv(html / "results" / "claims.csv", dtype=str)
    assert set(claims["book_version"]) == {project_version()}
    assert set(claims["extract_sha256"]) == {manifest["extract"]["checksum"]}


def test_downloadable_notebooks_hold_no_machine_path(book):
    html = book / "html"
    notebooks = sorted(html.rglob("*.ipynb"))
    assert notebooks, "no downloadable notebooks"
    for nb in notebooks:
        text = nb.read_text(encoding="utf-8")
        assert str(SYNTHETIC_DIR) not in text and str(book) not in text, nb.name
        if "injected-parameters" in text:
            assert 'data_dir = \\"\\"' in text, nb.name


def _page_requests(netlog: Path) -> list[str]:
    """Network requests a page made (chromium's --log-net-log), leaving out the browser's own.

    Requests a page starts carry its origin as initiator (``null`` for a
    ``file://`` page); the browser's update and account checks carry
    "not an origin".
    """
    if not netlog.exists():
        return []
    log = json.loads(netlog.read_text(encoding="utf-8", errors="replace") or "{}")
    start = log.get("constants", {}).get("logEventTypes", {}).get("URL_REQUEST_START_JOB")
    urls = set()
    for e in log.get("events", []):
        p = e.get("params") or {}
        if e.get("type") == start and "url" in p and p.get("initiator") != "not an origin" \
                and not p["url"].startswith(("file:", "data:", "blob:")):
            urls.add(p["url"])
    return sorted(urls)


def _offline_copy(book: Path, tmp: Path) -> Path:
    """A copy of the site whose pages write their layout into the DOM once loaded (for --dump-dom)."""
    site = tmp / "site"
    shutil.copytree(book / "html", site)
    probe = ("<script>window.addEventListener('load',function(){setTimeout(function(){"
             "var d=document.documentElement;d.setAttribute('data-probe',[d.scrollWidth,d.clientWidth,"
             "document.querySelectorAll('mjx-container').length].join(','));},1500);});</script></body>")
    for p in site.rglob("*.html"):
        if "_static" not in p.parts:
            p.write_text(p.read_text(encoding="utf-8").replace("</body>", probe, 1), encoding="utf-8")
    return site


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (apt-get install chromium; .ci/run does it)")
def test_site_offline_in_chromium(book, tmp_path):
    """Network blocked: math typeset by the shipped MathJax, no request leaves the site, no page scrolls
    sideways at 1280 px, and the front page's BibTeX parses."""
    import pybtex.database

    site = _offline_copy(book, tmp_path)
    assert "url=book/index.html" in (site / "index.html").read_text(encoding="utf-8")  # the root only redirects
    pages = sorted((site / "book").glob("*.html"))
    bad, typeset = [], 0
    for page in pages:
        netlog = tmp_path / f"{page.stem}.netlog.json"
        r = _chromium("--window-size=1280,2000", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",
                      f"--log-net-log={netlog}", "--virtual-time-budget=15000", "--dump-dom", page.as_uri(),
                      timeout=180)
        m = re.search(r'data-probe="(\d+),(\d+),(\d+)"', r.stdout)
        if r.returncode != 0 or not m:
            bad.append(f"{page.name}: did not load (exit {r.returncode})")
            continue
        scroll, client, mjx = map(int, m.groups())
        if scroll > client:
            bad.append(f"{page.name}: scrolls sideways at 1280 px ({scroll} > {client})")
        n_math = len(re.findall(r'class="math', page.read_text(encoding="utf-8")))
        if mjx < n_math:
            bad.append(f"{page.name}: {n_math} formulas, {mjx} typeset by MathJax")
        typeset += mjx
        remote = _page_requests(netlog)
        if remote:
            bad.append(f"{page.name}: requests to {remote[:5]}")
        if page.name == "index.html":
            text = re.search(r'citation-bibtex.*?<pre[^>]*>(.*?)</pre>', r.stdout, re.S)
            if not text:
                bad.append("index.html: no BibTeX block")
            else:
                bib = html_unescape(re.sub(r"<[^>]+>", "", text.group(1)))
                entries = pybtex.database.parse_string(bib, "bibtex").entries
                title = entries["genai_freelance_book"].fields["title"]
                if title != "Generative AI and freelance work":
                    bad.append(f"index.html: BibTeX title {title!r}")
    assert typeset >= 20, f"only {typeset} formulas typeset on the whole site"
    assert not bad, "\n".join(bad)


def test_estimate_ids_are_anchors_on_the_pages(book):
    """A report links to an estimate's row: ``a4_figures.html#<id>`` (every id of the results table there)."""
    html = book / "html"
    index = next(html.rglob("a4_figures.html")).read_text(encoding="utf-8")
    ids = read_results(book / "results" / "estimates.csv")["id"]
    missing = [i for i in ids if f'id="{i}"' not in index]
    assert not missing, missing[:5]
    chapter3 = next(html.rglob("03_categories.html")).read_text(encoding="utf-8")
    assert 'id="category.writing.contracts.low_value"' in chapter3


class _IdLinks(HTMLParser):
    """The estimate-id cells of a page: ``(id or None, href or None)`` per ``class="estimate-id"`` tag."""

    def __init__(self):
        super().__init__()
        self.cells: list[tuple[str | None, str | None]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "estimate-id" in (a.get("class") or "").split():
            self.cells.append((a.get("id"), a.get("href") if tag == "a" else None))


def test_summary_estimate_ids_link_to_their_chapters(book):
    """Each estimate id of the summary links to that estimate's anchor on the chapter that reports it
    (the results table's ``chapter``); the ids only the summary makes stay plain anchors."""
    html = book / "html"
    page = next(html.rglob("00_summary.html"))
    p = _IdLinks()
    p.feed(page.read_text(encoding="utf-8"))
    results = read_results(book / "results" / "estimates.csv").set_index("id")["chapter"]
    linked = [(i, h) for i, h in p.cells if h]
    plain = [i for i, h in p.cells if not h]
    assert len(linked) >= 8, f"only {len(linked)} linked estimate ids on the summary: {p.cells}"
    bad = []
    for i, href in linked:
        u = urlsplit(href)
        target = page.parent / unquote(u.path)
        if not target.is_file() or f'id="{unquote(u.fragment)}"' not in target.read_text(encoding="utf-8"):
            bad.append(f"{i} -> {href}")
        elif results.get(unquote(u.fragment)) != target.stem or target.stem == "00_summary":
            bad.append(f"{i} -> {href}: the results table says {results.get(unquote(u.fragment))!r}")
    assert not bad, bad
    # the shares are estimated on the summary itself: anchors without a link
    assert plain, "no plain anchors: the share estimates are made on the summary"
    for i in plain:
        base = i.removesuffix(".first_year")  # the default claim window's ids (analysis.claims.window_id)
        assert results.get(base) == "00_summary", f"{i} is not linked, but {base} is reported by {results.get(base)}"


@pytest.mark.skipif(LATEXMK is None, reason="LaTeX not installed (apt-get install -y latexmk texlive-xetex "
                    "texlive-latex-extra texlive-latex-recommended texlive-fonts-recommended fonts-dejavu-core; .ci/run does it)")
def test_pdf_has_every_figure_numbered_and_is_linked(book):
    """``--pdf`` (``make pdf``) on the shared build: one embedded image per figure of the figure index,
    each caption numbered, and the front page and appendix D link the PDF (the link check resolves it)."""
    from analysis.build.pdf import PDF_NAME

    pdf = book / "html" / PDF_NAME
    assert pdf.is_file(), "no PDF in the published site"
    n_figures = len(list((book / "figures").glob("fig-*.json")))
    assert n_figures >= 10
    if shutil.which("pdfimages") is None:
        pytest.skip("pdfimages not installed (apt-get install poppler-utils)")
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    images = [ln.split() for ln in listing.splitlines()[2:] if ln.strip()]
    assert sum(1 for cols in images if cols[2] == "image") == n_figures, listing
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    captions = set(re.findall(r"Fig\. (\d+\.\d+):", text))
    assert len(captions) == n_figures, sorted(captions)
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                             text=True).stdout).group(1))
    assert pages > 30
    for name in ("index.html", "a4_figures.html"):
        page = (book / "html" / "book" / name).read_text(encoding="utf-8")
        assert f'href="../{PDF_NAME}"' in page, name
