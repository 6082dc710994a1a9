"""Regenerate docs/screenshots/: every page, for every role, at 375 and 1280 px.

    python scripts/screenshots.py                 # all of them, into docs/screenshots/
    python scripts/screenshots.py --only consumi  # the shots whose name contains a word
    python scripts/screenshots.py --pdf /tmp/pdf  # also print the consumption and accounting
                                                  # pages to PDF (A4), as a member would

It starts the portal itself (`python run.py`) on a free port with a fresh instance folder, so
the demo data and nothing else are shown, and drives Debian's chromium through
chromium-driver with selenium (a test dependency): nothing is downloaded. Each page is shot
whole (Chrome's DevTools capture beyond the viewport), then stored as a palette PNG (Pillow)
to keep the repository small.
"""
from __future__ import annotations

import argparse
import base64
import io
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WIDTHS = (375, 1280)
COLOURS = 128  # a palette this size keeps text and charts crisp at a fifth of the bytes


@dataclass(frozen=True)
class Shot:
    """One page to capture: a file name, the path, and the text that says it is ready."""

    name: str
    path: str
    ready: str
    follow: str | None = None  # open the first link matching this CSS selector first
    click: str | None = None   # press this button first (it changes the demo data)


# The demo logins (dashboard/bootstrap.py) and the pages each role sees; None: logged out.
ROLES: dict[str, tuple[tuple[str, str] | None, tuple[Shot, ...]]] = {
    "pubblico": (None, (
        Shot("accesso", "/login", "Accedi all'area riservata"),
        Shot("registrazione", "/registrazione", "Registrati all'area riservata"),
        Shot("password-dimenticata", "/password/dimenticata", "Password dimenticata"),
    )),
    "socio": (("socio@example.com", "Paluzza!2023"), (
        Shot("home", "/", "Area di gestione"),
        Shot("contratto", "/contratto?contratto=1", "Storia del contratto"),
        Shot("consumi", "/consumi?contratto=1&anno=2023", "26153"),
        Shot("consumi-periodi", "/consumi?contratto=1&anno=2023&vista=periodi", "26153"),
        Shot("consumi-giorno", "/consumi?contratto=1&anno=2023&mese=3&giorno=30", "26153"),
        Shot("consumi-mappa", "/consumi?contratto=1&anno=2023&vista=mappa", "26153"),
        Shot("consumi-anni", "/consumi?contratto=1&anno=2024&vista=anni", "11601"),
        Shot("capire", "/capire", "Capire la bolletta"),
        Shot("contabilita", "/contabilita?contratto=1", "Totali per anno"),
        Shot("invio", "/invio", "Storico delle modifiche"),
        Shot("accessi", "/accessi", "Chi ha consultato"),
        Shot("account", "/account", "Il mio account"),
        Shot("consulenza", "/consulenza", "Consulenza"),
        # The consent lets the advisor's shots below show this member's analysis.
        Shot("consulenza-consenso", "/consulenza", "Revoca il consenso",
             click="#consulenza-concedi"),
    )),
    "assistenza": (("assistenza@example.com", "Assistenza!2023"), (
        Shot("home", "/", "Assistenza"),
        Shot("console", "/assistenza", "Cerca"),
    )),
    "consulente": (("consulente@example.com", "Consulente!2023"), (
        Shot("home", "/", "Consulen"),
        Shot("elenco", "/consulente", "Consulen"),
        Shot("socio", "/consulente", "Simulazione tariffaria",
             follow="main a[href^='/consulente/socio']"),
    )),
    "admin": (("admin@example.com", "Amministra!2023"), (
        Shot("home", "/", "Amministra"),
        Shot("personale", "/amministrazione/personale", "Account del personale"),
        Shot("registro", "/amministrazione/registro", "Registro degli accessi"),
        Shot("importazioni", "/amministrazione/importazioni", "Importazioni"),
        Shot("posta", "/amministrazione/posta", "Posta in uscita"),
        Shot("stato", "/amministrazione/stato", "Stato del servizio"),
    )),
}
PRINTED = ("/consumi?contratto=1&anno=2023", "/contabilita?contratto=1")


def free_port() -> int:
    """Return a loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_portal(port: int, instance: str) -> subprocess.Popen:
    """Start `python run.py` on the demo data in a fresh instance folder; wait for it."""
    env = {**os.environ, "PORT": str(port), "HOST": "127.0.0.1", "INSTANCE_PATH": instance,
           "APP_ENV": "development", "LOAD_DEMO": "1"}
    env.pop("DATABASE_URL", None)
    portal = subprocess.Popen([sys.executable, "run.py"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if portal.poll() is not None:
            raise SystemExit("the portal stopped while starting: run `python run.py` to see why")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):
                return portal
        except OSError:
            time.sleep(0.5)
    portal.terminate()
    raise SystemExit("the portal did not answer within three minutes")


def browser() -> webdriver.Chrome:
    """Start Debian's chromium, headless, with no traffic to the outside."""
    options = Options()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--disable-gpu", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update",
                 "--hide-scrollbars", "--lang=it-IT", "--force-device-scale-factor=1",
                 "--no-sandbox"):  # root in CI and containers has no sandbox
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def log_in(driver: webdriver.Chrome, base: str, login: str, password: str) -> None:
    """Log in through the login form, as a member would."""
    driver.get(base + "/login")
    driver.find_element(By.ID, "login").send_keys(login)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    WebDriverWait(driver, 20).until(lambda d: "/login" not in d.current_url)


def settle(driver: webdriver.Chrome, ready: str) -> None:
    """Wait until the page shows its text and Dash has no callback in flight."""
    WebDriverWait(driver, 30, poll_frequency=0.25).until(
        lambda d: ready in d.find_element(By.TAG_NAME, "body").text
        and not d.find_elements(By.CSS_SELECTOR, "[data-dash-is-loading='true']"))
    time.sleep(0.8)  # the chart's transition and the fonts


def capture(driver: webdriver.Chrome, width: int) -> Image.Image:
    """Shoot the whole page at a width, beyond the viewport, at one pixel per CSS pixel."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600})
    time.sleep(0.6)  # let the layout and Plotly's resize follow the new width
    height = driver.execute_script(
        "return Math.ceil(Math.max(document.documentElement.scrollHeight,"
        " document.body.scrollHeight))")
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
    return Image.open(io.BytesIO(base64.b64decode(shot["data"])))


def save(image: Image.Image, target: Path) -> int:
    """Store a screenshot as an optimized palette PNG; return its size in bytes."""
    small = image.convert("RGB").quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT,
                                          dither=Image.Dither.NONE)
    small.save(target, optimize=True)
    return target.stat().st_size


def print_pdf(driver: webdriver.Chrome, target: Path) -> None:
    """Print the page to an A4 PDF the way the browser's «Stampa» does (print stylesheet)."""
    pdf = driver.execute_cdp_cmd("Page.printToPDF", {
        "paperWidth": 8.27, "paperHeight": 11.69, "printBackground": False,
        "marginTop": 0.4, "marginBottom": 0.4, "marginLeft": 0.4, "marginRight": 0.4})
    target.write_bytes(base64.b64decode(pdf["data"]))


def run(only: str | None, pdf_dir: Path | None,
        missed: list[str]) -> list[tuple[Path, int]]:
    """Start the portal and a browser, shoot every page, return the files written."""
    written = []
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="screenshots-") as instance:
        portal = start_portal(port, instance)
        try:
            for role, (login, shots) in ROLES.items():
                wanted = [s for s in shots if not only or only in f"{role}-{s.name}"]
                if not wanted and not (pdf_dir and role == "socio"):
                    continue
                driver = browser()
                try:
                    driver.set_window_size(1280, 900)
                    if login:
                        log_in(driver, base, *login)
                    for shot in wanted:
                        try:
                            written += shoot(driver, base, role, shot)
                        except WebDriverException as error:  # say which, shoot the others
                            missed.append(f"{role}-{shot.name}: {error.msg or type(error)}")
                    if pdf_dir and role == "socio":
                        pdf_dir.mkdir(parents=True, exist_ok=True)
                        for path in PRINTED:
                            driver.get(base + path)
                            settle(driver, "Totali" if "contabilita" in path else "26153")
                            target = pdf_dir / (path.split("?")[0].strip("/") + ".pdf")
                            print_pdf(driver, target)
                            written.append((target, target.stat().st_size))
                finally:
                    driver.quit()
        finally:
            portal.terminate()
            portal.wait(timeout=30)
    return written


def shoot(driver: webdriver.Chrome, base: str, role: str, shot: Shot) -> list[tuple[Path, int]]:
    """Open one page and capture it at every width."""
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    driver.get(base + shot.path)
    if shot.follow:
        link = WebDriverWait(driver, 20).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, shot.follow))[0]
        driver.get(link.get_attribute("href"))
    if shot.click:
        WebDriverWait(driver, 20).until(
            lambda d: [b for b in d.find_elements(By.CSS_SELECTOR, shot.click)
                       if b.is_displayed()])[0].click()
    written = []
    for width in WIDTHS:
        settle(driver, shot.ready)
        target = OUT / f"{role}-{shot.name}-{width}.png"
        written.append((target, save(capture(driver, width), target)))
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    return written


def main() -> None:
    """Parse the arguments, shoot, and list what was written."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", help="shoot only the names that contain this word")
    parser.add_argument("--pdf", type=Path, help="also print the consumption and accounting "
                        "pages to PDF into this folder")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    missed: list[str] = []
    written = run(args.only, args.pdf, missed)
    for target, size in written:
        shown = target.relative_to(ROOT) if target.is_relative_to(ROOT) else target
        print(f"{size / 1024:7.0f} KB  {shown}")
    print(f"{len(written)} files, {sum(size for _, size in written) / 1024:.0f} KB in all")
    if missed:
        raise SystemExit("Not shot:\n" + "\n".join(missed))


if __name__ == "__main__":
    main()
