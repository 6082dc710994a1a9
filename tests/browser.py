"""Browser helpers shared by the dash_duo tests."""
from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait


def log_in(duo, login: str, password: str) -> None:
    """Fill in and submit the login form."""
    duo.driver.get(duo.base + "/login")
    duo.wait_for_element("#login").send_keys(login)
    duo.find_element("#password").send_keys(password)
    duo.find_element("button[type=submit]").click()
    duo.wait_for_contains_text("h1", "Area di gestione")


def wake(duo) -> None:
    """Make the member's first move (a key): a page served with a first view loads Dash.

    The consumption page comes complete in its first HTML and loads Dash's scripts at the
    first interaction (assets/first-view.js); this waits until Dash's page has taken the
    first view's place. A page without a first view is Dash's already: nothing to wait for.
    """
    if not duo.driver.find_elements(By.CSS_SELECTOR, ".first-view"):
        return
    ActionChains(duo.driver).send_keys(Keys.SHIFT).perform()
    WebDriverWait(duo.driver, 30, poll_frequency=0.2).until(
        lambda driver: not driver.find_elements(By.CSS_SELECTOR, ".first-view"))


def open_page(duo, path: str) -> None:
    """Open a page by its address, as the member who then uses it."""
    duo.driver.get(duo.base + path)
    wake(duo)


def choose(duo, select_id: str, option_text: str) -> None:
    """Pick the option whose label contains the text in a native select (dashboard/controls.py).

    The options may still be arriving from a callback (the years follow the contract):
    wait for up to ten seconds for the option to be there.
    """
    def pick(driver) -> bool:
        select = Select(driver.find_element(By.ID, select_id))
        match = next((o for o in select.options if option_text in o.text), None)
        if match is None:
            return False
        select.select_by_visible_text(match.text)
        return True

    WebDriverWait(duo.driver, 10, poll_frequency=0.5).until(pick)


def open_seed_year(duo, login: str, password: str) -> None:
    """Log in, open the consumption page, choose the main home and 2023, and confirm."""
    from dashboard import ids

    log_in(duo, login, password)
    open_page(duo, "/consumi")
    duo.wait_for_contains_text("h1", "Visualizzazione consumi")
    choose(duo, ids.CONTRACT, "Via Roma 12")
    choose(duo, ids.YEAR, "2023")
    duo.find_element(f"#{ids.CONFIRM}").click()
    duo.wait_for_contains_text(f"#{ids.GRID}", "26153", timeout=10)


# --- axe-core: the accessibility checker, pinned in package.json, installed by `npm ci` ---

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations"]}).then(
  result => done(result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(" ") + " — " + n.failureSummary)}))),
  error => done({error: String(error)}));
"""


def axe_source() -> str:
    """Read axe-core's browser script; without it the accessibility tests fail, never skip."""
    if not AXE.exists():
        pytest.fail(f"axe-core is missing ({AXE}): run `npm ci` in the repository")
    return AXE.read_text(encoding="utf-8")


def axe_violations(duo) -> list[str]:
    """Inject axe-core into the page shown and list every violation with its nodes."""
    driver = duo.driver
    driver.set_script_timeout(60)
    driver.execute_script(axe_source())
    result = driver.execute_async_script(AXE_RUN)
    if not isinstance(result, list):
        pytest.fail(f"axe-core did not run on {driver.current_url}: {result}")
    return [f"{v['id']} ({v['impact']}): {v['help']}\n      " + "\n      ".join(v["nodes"])
            for v in result]


# --- Touch targets, sideways scrolling and focus rings, measured in the page ---

SMALL_TARGETS = """
const small = [];
const controls = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
  + '[role=switch], [tabindex]:not([tabindex="-1"])';
for (const e of document.querySelectorAll(controls)) {
  const style = getComputedStyle(e);
  if (style.visibility === 'hidden' || !e.getClientRects().length) continue;
  // A link inside a sentence is exempt (WCAG 2.5.5); a radio counts with its label, a
  // native select with the face it covers.
  if (e.tagName === 'A' && style.display === 'inline' && e.closest('p, li, dd, small')) continue;
  const holder = ['radio', 'checkbox'].includes(e.type) ? e.closest('label')
    : e.tagName === 'SELECT' ? e.closest('.select') : null;
  const box = (holder || e).getBoundingClientRect();
  if (box.height < 43.5 || box.width < 43.5) {
    small.push(`${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''} «${(e.innerText || e.value
      || e.getAttribute('aria-label') || '').trim().slice(0, 40)}» ${Math.round(box.width)}×`
      + `${Math.round(box.height)}`);
  }
}
return small;
"""


def small_targets(duo) -> list[str]:
    """List the visible controls smaller than 44 × 44 px, inline links in a sentence aside."""
    return duo.driver.execute_script(SMALL_TARGETS)


def sideways(duo) -> list[str]:
    """List the outermost elements that stick out of the window (the page then scrolls)."""
    return duo.driver.execute_script("""
        if (document.documentElement.scrollWidth <= window.innerWidth) return [];
        const out = [];
        for (const e of document.body.querySelectorAll('*')) {
          const r = e.getBoundingClientRect(), p = e.parentElement.getBoundingClientRect();
          if (r.right > window.innerWidth + 1 && p.right <= window.innerWidth + 1) {
            out.push(`${e.tagName.toLowerCase()}.${e.className} ${Math.round(r.right)} px`);
          }
        }
        return out.length ? out.slice(0, 5) : ['the page is wider than the window'];
    """)


FOCUS_RING = """
const e = document.activeElement;
const ring = e.tagName === 'SELECT' && e.closest('.select')
  ? e.closest('.select').querySelector('.select-face') : (e.closest('.dash-input-container') || e);
const style = getComputedStyle(ring);
let behind = ring.parentElement, background = 'rgb(255, 255, 255)';
for (; behind; behind = behind.parentElement) {
  const colour = getComputedStyle(behind).backgroundColor;
  if (colour !== 'rgba(0, 0, 0, 0)' && colour !== 'transparent') { background = colour; break; }
}
return [`${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''} «${(e.innerText || e.value || '')
  .trim().slice(0, 30)}»`, style.outlineStyle, parseFloat(style.outlineWidth),
  style.outlineColor, background];
"""


def luminance(rgb: str) -> float:
    """Return the relative luminance of a CSS rgb()/rgba() colour (WCAG 2.1)."""
    red, green, blue = (int(float(v)) / 255 for v in
                        rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3])

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(one: str, other: str) -> float:
    """Return the contrast ratio of two CSS colours."""
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def weak_focus_rings(duo, presses: int) -> list[str]:
    """Tab through the page and list each control whose ring is under 2 px or 3:1."""
    weak = []
    body = duo.driver.find_element(By.TAG_NAME, "body")
    body.click()
    for _ in range(presses):
        ActionChains(duo.driver).send_keys(Keys.TAB).perform()
        name, style, width, colour, background = duo.driver.execute_script(FOCUS_RING)
        if name.startswith("body"):
            continue
        ratio = contrast(colour, background)
        if style in ("none", "hidden") or width < 2 or ratio < 3:
            weak.append(f"{name}: {style} {width} px {colour} on {background} ({ratio:.1f}:1)")
    return weak
