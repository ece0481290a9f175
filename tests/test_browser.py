"""The HTML view in a real browser: Debian's Chromium driven by Playwright.

Checks that the page draws exactly the graph's nodes and edges, with no JavaScript error and
no network request, that search centres a node, that a class filter hides its class, that
hovering shows a node's and an edge's evidence, and that Chinese renders as glyphs. Saves
``graph-seed.png`` and ``graph-focus.png`` in pytest's temporary folder (its path is printed;
``pytest -s`` shows it). Skipped, with the reason, where
``/usr/bin/chromium`` is missing (``apt-get install chromium fonts-noto-cjk``).
"""

from pathlib import Path

import pytest

from kg.viz.analytics import to_networkx
from kg.viz.viewer import write_html

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL = ("file:", "data:", "about:", "blob:")
DRAWN = "[kg.network.body.nodeIndices.length, kg.network.body.edgeIndices.length]"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not CHROMIUM.is_file():
        reason = f"{CHROMIUM} not found; install it with: apt-get install chromium fonts-noto-cjk"
        print(reason)
        pytest.skip(reason)
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright missing; pip install -e '.[test]'")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("profile")), executable_path=str(CHROMIUM), headless=True, args=ARGS,
            viewport={"width": 1600, "height": 1000}, device_scale_factor=2)
        yield context
        context.close()


class Opened:
    """A page with every request and every console error or uncaught exception it produced."""

    def __init__(self, browser, path: Path) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page = browser.new_page()
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(path.as_uri())
        self.page.wait_for_function("window.kgReady === true", timeout=30_000)

    def check_quiet(self) -> None:
        assert self.errors == []
        assert [url for url in self.requests if not url.startswith(LOCAL)] == []

    def centre_of(self, node_id: str) -> dict:
        return self.page.evaluate("id => kg.network.canvasToDOM(kg.network.getPositions([id])[id])", node_id)


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("screenshots")
    print(f"screenshots in {folder}")
    return folder


@pytest.fixture(scope="module")
def seed(browser, seed_build):
    opened = Opened(browser, seed_build[1] / "graph.html")
    yield opened
    opened.page.close()


def _node(opened: Opened, label: str) -> str:
    return opened.page.evaluate("label => kg.nodes.get({filter: n => n.label === label})[0].id", label)


def test_browser_draws_the_whole_graph_offline(seed, seed_graph, vocab, screenshots):
    whole = to_networkx(seed_graph, vocab)
    assert seed.page.evaluate(DRAWN) == [whole.number_of_nodes(), whole.number_of_edges()]
    assert seed.page.evaluate("kg.network.physics.options.enabled") is False  # settled once, then frozen
    seed.check_quiet()
    seed.page.screenshot(path=screenshots / "graph-seed.png")


def test_browser_renders_chinese_as_glyphs(seed):
    # Without a CJK font every character is the same missing-glyph box, so two characters draw alike.
    pixels = seed.page.evaluate("""() => ["林", "芝"].map(ch => {
        const canvas = document.createElement("canvas"), ctx = canvas.getContext("2d");
        canvas.width = canvas.height = 40;
        ctx.font = "32px " + kg.network.body.nodes[kg.nodes.getIds()[0]].options.font.face;
        ctx.fillText(ch, 2, 34);
        return Array.from(ctx.getImageData(0, 0, 40, 40).data).join(",");
    })""")
    assert pixels[0] != pixels[1]


def _search(seed, text: str, label: str) -> None:
    target = _node(seed, label)
    seed.page.fill("#kg-query", text)
    seed.page.press("#kg-query", "Enter")
    seed.page.wait_for_function("""id => {
        const view = kg.network.getViewPosition(), node = kg.network.getPositions([id])[id];
        return Math.hypot(view.x - node.x, view.y - node.y) < 1;
    }""", arg=target, timeout=5_000)
    assert seed.page.evaluate("kg.network.getSelectedNodes()") == [target]


def test_browser_search_centres_the_node(seed):
    _search(seed, "拉玉鄉派出所", "拉玉乡派出所")  # an alias (the traditional form) that no label contains
    _search(seed, "林芝", "林芝市")  # an alias that is also the start of a label
    details = seed.page.inner_text("#kg-details")
    assert "林芝市" in details and "西藏自治区" in details and "地点" in details
    seed.page.fill("#kg-query", "没有这个地方")
    seed.page.press("#kg-query", "Enter")
    assert "没有找到" in seed.page.inner_text("#kg-search-result")


def test_browser_class_filter_hides_the_class(seed):
    drawn_places = """() => kg.network.body.nodeIndices.filter(id => kg.nodes.get(id).group === "Place").length"""
    places = seed.page.evaluate(drawn_places)
    assert places > 0
    nodes, edges = seed.page.evaluate(DRAWN)
    seed.page.uncheck('#kg-legend input[data-group="Place"]')
    assert seed.page.evaluate(drawn_places) == 0
    assert seed.page.evaluate(DRAWN)[0] == nodes - places and seed.page.evaluate(DRAWN)[1] < edges
    seed.page.check('#kg-legend input[data-group="Place"]')
    assert seed.page.evaluate(DRAWN) == [nodes, edges]


def test_browser_freeze_control_releases_and_freezes_the_layout(seed):
    seed.page.uncheck("#kg-freeze")
    assert seed.page.evaluate("kg.network.physics.options.enabled") is True
    seed.page.check("#kg-freeze")
    assert seed.page.evaluate("kg.network.physics.options.enabled") is False


def test_browser_hover_shows_evidence_of_nodes_and_edges(seed):
    seed.page.evaluate("kg.network.fit()")
    point = seed.centre_of(_node(seed, "西藏自治区"))
    box = seed.page.locator("#kg-network").bounding_box()
    seed.page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    seed.page.wait_for_function("document.querySelector('#kg-details h3')?.textContent === '西藏自治区'", timeout=5_000)
    assert "篇文章" in seed.page.inner_text("#kg-details") and seed.page.locator("#kg-details blockquote").count() > 0
    edge = seed.page.evaluate("kg.edges.get({filter: e => e.label === '开展'})[0].id")
    middle = seed.page.evaluate("id => kg.network.canvasToDOM(kg.network.body.edges[id].edgeType.getPoint(0.5))", edge)
    seed.page.mouse.move(box["x"] + middle["x"], box["y"] + middle["y"])
    seed.page.wait_for_function("document.querySelector('#kg-details h3')?.textContent.includes('→ 开展 →')", timeout=5_000)
    assert "来源句子" in seed.page.inner_text("#kg-details") and "——" in seed.page.inner_text("#kg-details")
    seed.check_quiet()


def test_browser_focus_view(browser, seed_graph, vocab, tmp_path, screenshots):
    path = tmp_path / "focus.html"
    view = write_html(seed_graph, path, vocab, focus="林芝市", depth=2)
    opened = Opened(browser, path)
    assert opened.page.evaluate(DRAWN) == [view.network.number_of_nodes(), view.network.number_of_edges()]
    assert opened.page.evaluate("kg.network.getSelectedNodes()") == list(view.centres)
    assert opened.page.inner_text("#kg-caption") == "林芝市 周围 2 层"
    opened.check_quiet()
    opened.page.screenshot(path=screenshots / "graph-focus.png")
    opened.page.close()
