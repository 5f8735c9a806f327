"""Browser journeys: Debian's Chromium driven by Playwright against a live gunicorn.

Each test gets a gunicorn on the test PostgreSQL database (jobs run synchronously
in the server, emails go to files in a temporary folder the test reads), a fresh
browser context of the size it asks for, and a `Journey` that saves a screenshot
of every step under artifacts/e2e/<journey>/ and runs axe-core on every page.
"""

import email
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "e2e"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The innermost elements sticking out of the screen, to name in a failure.
WIDER_THAN_THE_SCREEN = """() => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .filter(e => ![...e.children].some(
        c => c.getBoundingClientRect().right > window.innerWidth + 1))
    .slice(0, 4)
    .map(e => `${e.tagName.toLowerCase()}.${e.className || ''}#${e.id || ''}`)"""
SIZES = {
    "narrow": {"width": 320, "height": 640},
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1366, "height": 900},
}


def _playwright_or_skip():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("needs playwright (pip install -r requirements-dev.txt)")
    return sync_playwright


@pytest.fixture(scope="module")
def browser():
    """One Chromium per module, stopped when the module ends.

    Playwright's sync API keeps an event loop running in this thread while it is open;
    Django refuses blocking database calls under a running loop. The journeys' own ORM
    calls (factories, assertions, the database flush after each test) are ordinary
    blocking calls between two browser steps, so they are allowed while the browser
    lives, and only then: the tests after this module run without the loop.
    """
    sync_playwright = _playwright_or_skip()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            yield chromium
            chromium.close()


@pytest.fixture
def mailbox(tmp_path):
    folder = tmp_path / "mail"
    folder.mkdir()
    return Mailbox(folder)


@pytest.fixture
def server(request, live_server_factory, mailbox):
    request.getfixturevalue("browser")  # skip before starting a server when there is none
    return live_server_factory(
        workers=1,
        threads=4,
        env={
            "Q_SYNC": "true",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mailbox.folder),
            "PRIMI_SERVE_STATIC": "true",
        },
    )


@dataclass
class Mailbox:
    folder: Path

    def messages(self) -> list[email.message.Message]:
        found = []
        for path in sorted(self.folder.glob("*.log")):
            for chunk in path.read_text().split("-" * 79):
                if chunk.strip():
                    found.append(email.message_from_string(chunk.strip()))
        return found

    def to(self, address: str) -> list[email.message.Message]:
        return [m for m in self.messages() if address in (m["To"] or "")]


@dataclass
class Journey:
    """One person's browser tab in a journey: screenshots and axe on every page."""

    name: str
    language: str
    size: str
    server: object
    page: object
    javascript: bool = True
    violations: list = field(default_factory=list)
    steps: int = 0

    @property
    def variant(self) -> str:
        """ "en-phone", or "en-phone-nojs" without JavaScript (screenshot names)."""
        return f"{self.language}-{self.size}" + ("" if self.javascript else "-nojs")

    def url(self, path: str) -> str:
        return f"{self.server.url}/{self.language}{path}"

    def goto(self, path: str, step: str):
        response = self.page.goto(self.url(path))
        assert response.status < 400, f"{path}: {response.status}"
        self.check(step)
        return response

    def check(self, step: str) -> None:
        """Screenshot, language attribute and axe-core (serious and critical, and
        colour contrast measured on every text)."""
        self.steps += 1
        folder = ARTIFACTS / self.name
        folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(
            path=str(folder / f"{self.variant}-{self.steps:02d}-{step}.png"),
            full_page=True,
        )
        assert self.page.locator("html").get_attribute("lang") == self.language
        if self.size == "narrow":  # the 320-px walk (test_public_pages_fit_a_320_px_screen)
            wide = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert wide <= 0, f"{step}: the page scrolls sideways by {wide} px: " + ", ".join(
                self.page.evaluate(WIDER_THAN_THE_SCREEN)
            )
        if not self.javascript:
            return  # axe-core runs in the page: the journeys with JavaScript cover it
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(self.page)
        serious = [
            f"{step}: {violation['id']} ({violation['impact']}): "
            + "; ".join(node["target"][0] for node in violation["nodes"][:3])
            for violation in results.response["violations"]
            if violation["impact"] in ("serious", "critical")
        ]
        serious.extend(
            f"{step}: color-contrast undecided: {node['target'][0]} ({reason})"
            for node, reason in undecided_contrast(self.page, results.response)
        )
        self.violations.extend(serious)
        assert not serious, "\n".join(serious)


def undecided_contrast(page, response: dict):
    """The texts whose contrast axe could not measure (over an image, a gradient,
    overlapping boxes), which would otherwise pass silently; with their reason.

    Two reasons are let through: a text too short for axe to judge ("3", "—"), whose
    colours are those of its neighbours that axe measured; and the texts of an
    `<svg role="img">` picture (the B2B grid, the dashboard's charts), whose colours and
    places tests/bookings/b2b/test_grid.py checks.
    """
    for result in response["incomplete"]:
        if result["id"] != "color-contrast":
            continue
        for node in result["nodes"]:
            keys = {
                check["data"].get("messageKey")
                for check in node["any"]
                if isinstance(check.get("data"), dict)
            }
            if keys == {"shortTextContent"}:
                continue
            if keys == {"imgNode"} and page.evaluate(
                "s => !!document.querySelector(s)?.closest('svg[role=img]')", node["target"][0]
            ):
                continue
            yield node, " ".join(check["message"] for check in node["any"])


@pytest.fixture
def open_journey(browser, server):
    """open_journey(name, language, size, session_key=None, javascript=True) → Journey."""
    contexts = []

    def open_(name, language, size, session_key=None, javascript=True):
        context = browser.new_context(
            viewport=SIZES[size],
            locale="fr-FR" if language == "fr" else "en-CA",
            java_script_enabled=javascript,
            bypass_csp=True,  # axe-core is injected by the test; the site's CSP stays strict
        )
        if session_key:
            context.add_cookies([{"name": "sessionid", "value": session_key, "url": server.url}])
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)  # a guard: each wait ends when its condition holds
        return Journey(name, language, size, server, page, javascript=javascript)

    yield open_
    for context in contexts:
        context.close()


def clear_artifacts(name: str) -> None:
    shutil.rmtree(ARTIFACTS / name, ignore_errors=True)
