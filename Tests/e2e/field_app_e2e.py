#!/usr/bin/env python3
"""The field worker's app end to end, in headless Chromium (Selenium with Debian's chromedriver).

A real server and two enrolled laptops (real SQLite files, real HTTP on loopback). The server goes down;
Sanne opens `samenspel app` at 1280×900. The journey's first screen shows the client's name, the signals and
the force field; the header with the name and the actions stays in view while she scrolls; the timeline shows
its newest page and more on request. She writes a note through the form (its Opslaan button in view) and sees
the confirmation where she looks and the note marked as not yet sent; the app's own Dutch messages answer a
day that does not exist and an empty reason. The server comes back and the open page drops the mark, then
shows a colleague's note — without a reload. She closes the browser; opened again, it is still signed in,
until "Nu vergrendelen", after which the new link and the passphrase open it. Screenshots of the main pages at 1280×900 go to $SAMENSPEL_SCREENSHOTS (default: a
temporary folder; Docs/screenshots/regenerate writes the README's).

Usage: field_app_e2e.py PATH/TO/samenspel
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

BINARY = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/debug/samenspel")
WORK = tempfile.mkdtemp(prefix="samenspel-e2e-")
SHOTS = os.environ.get("SAMENSPEL_SCREENSHOTS") or os.path.join(WORK, "screenshots")
NOTE = "Huisbezoek aan de keukentafel: Jaap wil graag zelf solliciteren, twijfelt aan zijn cv."
COLLEAGUE_NOTE = "Inkomen: de toeslag is aangevraagd, eerste betaling volgt binnen vier weken."
processes = []
# The test's own settings only: a SAMENSPEL_POSTGRES_URL or SAMENSPEL_REPLICA of the caller (CI exports the
# former for the PostgreSQL tests) must not change where these servers and laptops keep their data.
CLEAN_ENV = {name: value for name, value in os.environ.items() if not name.startswith("SAMENSPEL_")}
# The laptops' passphrase (the replicas are encrypted at rest; scripts give it this way).
CLEAN_ENV["SAMENSPEL_PASSPHRASE"] = "e2e passphrase"


def log(message):
    print(f"[e2e] {message}", flush=True)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def samenspel(*args, **env):
    result = subprocess.run(
        [BINARY, *args], capture_output=True, text=True, env={**CLEAN_ENV, **env}, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"samenspel {args[0]} failed ({result.returncode}): {result.stderr}")
    return result.stdout.strip()


def start(args, log_name):
    out = open(os.path.join(WORK, log_name + ".out"), "w")
    err = open(os.path.join(WORK, log_name + ".err"), "w")
    process = subprocess.Popen([BINARY, *args], stdout=out, stderr=err, text=True, env=CLEAN_ENV)
    processes.append(process)
    return process


def start_server(data, port):
    server = start(["serve", "--data", data, "--port", str(port)], "server")
    wait_for(lambda: healthy(port), 30, "the server to answer /health")
    return server


def healthy(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def stop(process, timeout=15):
    process.send_signal(signal.SIGINT)
    process.wait(timeout=timeout)


def wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


def read_url(path, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with open(path) as handle:
            for line in handle:
                if line.startswith("http://127.0.0.1:"):
                    return line.strip()
        time.sleep(0.1)
    raise AssertionError("the app printed no URL")


def screenshot(driver, name):
    """The first screen of the page as the professional sees it at 1280×900."""
    os.makedirs(SHOTS, exist_ok=True)
    driver.execute_script("window.scrollTo(0, 0)")
    path = os.path.join(SHOTS, name)
    driver.save_screenshot(path)
    log(f"screenshot {path}")


def note_article(driver, text):
    for article in driver.find_elements(By.CSS_SELECTOR, "#timeline article.note"):
        if text in article.text:
            return article
    return None


def in_view(driver, element):
    """Whether the whole element is inside the window, as it is scrolled now."""
    return driver.execute_script(
        "var r = arguments[0].getBoundingClientRect();"
        "return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight;", element)


def click(driver, element):
    """Clicks an element in the middle of the window, as a professional scrolls to it: not under the sticky header."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


class LiveWait(WebDriverWait):
    """The page swaps regions live: an element found a moment ago may be replaced before it is read.
    Chromium reports that either as a stale element or, between two calls on the same element, as a node that
    "does not belong to the document". A wait then looks again instead of failing; any other error fails it."""

    def __init__(self, driver):
        super().__init__(driver, 60, poll_frequency=0.2, ignored_exceptions=[StaleElementReferenceException])

    def until(self, method, message=""):
        def looking_again_when_replaced(driver):
            try:
                return method(driver)
            except WebDriverException as error:
                if "does not belong to the document" in str(error):
                    return False
                raise
        return super().until(looking_again_when_replaced, message)


def top_of(driver, element_id):
    return driver.execute_script(
        "return document.getElementById(arguments[0]).getBoundingClientRect().top;", element_id)


def open_browser(profile):
    """Headless Chromium at 1280×900 with its own profile folder, so that closing it and opening it again
    is what a professional does: cookies with a lifetime survive, session cookies do not."""
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                     "--lang=nl-NL", "--no-proxy-server", "--disable-gpu", f"--user-data-dir={profile}"):
        options.add_argument(argument)
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary:
        options.binary_location = binary
    driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))
    # The viewport, not the window, is 900 px high: what the professional sees.
    inner = driver.execute_script("return window.innerHeight")
    driver.set_window_size(1280, 900 + (900 - inner))
    return driver


def urls_printed(path):
    with open(path) as handle:
        return [line.strip() for line in handle if line.startswith("http://127.0.0.1:")]


def main():
    data = os.path.join(WORK, "server")
    port = free_port()
    server_url = f"http://127.0.0.1:{port}"
    admin = {"SAMENSPEL_DATA": data}
    team = samenspel("admin", "team", "create", "--name", "Werk en Inkomen Noord", **admin)
    sanne = samenspel("admin", "professional", "create", "--name", "Sanne Bakker", "--discipline", "clientManager",
                      "--team", team, **admin)
    ahmed = samenspel("admin", "professional", "create", "--name", "Ahmed El Amrani", "--discipline",
                      "incomeConsultant", "--team", team, **admin)
    jaap = samenspel("admin", "client", "create", "--name", "Jaap de Vries", "--team", team, **admin)
    samenspel("admin", "client", "create", "--name", "Fatima Yilmaz", "--team", team, **admin)
    codes = [samenspel("admin", "enroll", "--professional", who, **admin) for who in (sanne, ahmed)]
    server = start_server(data, port)
    laptop, colleague = os.path.join(WORK, "sanne"), os.path.join(WORK, "ahmed")
    samenspel("enroll", "--replica", laptop, "--server", server_url, "--code", codes[0], "--scrypt-log-n", "10")
    samenspel("enroll", "--replica", colleague, "--server", server_url, "--code", codes[1], "--scrypt-log-n", "10")
    # What happened earlier, as in the article: the client manager assessed Jaap, the income consultant
    # announced a sanction (pressure on social pressure, for compliance) and refers Jaap to the client manager.
    samenspel("sync", "--replica", colleague)
    samenspel("sync", "--replica", laptop)
    samenspel("assess", "--replica", laptop, "--client", jaap, "--determinant", "selfEfficacy", "--score", "1")
    samenspel("assess", "--replica", laptop, "--client", jaap, "--determinant", "context", "--score", "1")
    samenspel("assess", "--replica", colleague, "--client", jaap, "--determinant", "practicalBarriers", "--score", "2")
    samenspel("intervention", "start", "--replica", colleague, "--client", jaap, "--kind", "sanctionAnnouncement")
    samenspel("referral", "add", "--replica", colleague, "--client", jaap, "--to", "clientManager",
                         "--reason", "Heeft steun nodig bij het zoeken naar werk")
    samenspel("sync", "--replica", colleague)
    samenspel("sync", "--replica", laptop)
    # Months of work: more than a page of the timeline.
    for week in range(1, 36):
        samenspel("note", "add", "--replica", colleague, "--client", jaap, "--text", f"Weekgesprek {week}: voortgang besproken.")
    samenspel("sync", "--replica", colleague)
    samenspel("sync", "--replica", laptop)
    log("server, two laptops and a client with history are ready; the server goes down")
    stop(server)

    app_port = free_port()
    # Ten seconds between background syncs: a colleague's note must come sooner, by the server's poke.
    app = start(["app", "--replica", laptop, "--port", str(app_port), "--sync-interval", "10"], "app")
    url = read_url(os.path.join(WORK, "app.out"))
    assert url.startswith(f"http://127.0.0.1:{app_port}/?key="), url

    profile = os.path.join(WORK, "browser-profile")
    driver = open_browser(profile)
    wait = LiveWait(driver)
    try:
        # Without the secret of this launch: no access, nothing shown.
        driver.get(f"http://127.0.0.1:{app_port}/")
        assert "Jaap" not in driver.page_source and "Geen toegang" in driver.page_source

        driver.get(url)
        assert "key=" not in driver.current_url, "the secret stays out of the address bar"
        wait.until(lambda d: "Jaap de Vries" in d.page_source)
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "nl"
        wait.until(lambda d: "Geen verbinding met de server" in d.find_element(By.ID, "sync-banner").text)
        screenshot(driver, "caseload.png")
        # A hand-over waiting for this discipline shows on the caseload, not only inside the journey.
        assert driver.find_element(By.CSS_SELECTOR, "a.referral-pill").text == "1"
        # Keyboard first: the first Tab reaches the skip link.
        driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        assert driver.switch_to.active_element.text == "Direct naar de inhoud"

        driver.find_element(By.LINK_TEXT, "Jaap de Vries").click()
        wait.until(lambda d: d.find_element(By.TAG_NAME, "h1").text == "Jaap de Vries")
        # The first screen: whose file this is, the signals and the force field.
        assert in_view(driver, driver.find_element(By.TAG_NAME, "h1"))
        assert top_of(driver, "signals-h") < 900 and top_of(driver, "ff-h") < 900, "signals and force field first"
        assert "HOOG" in driver.find_element(By.ID, "signals").text.upper(), "the sanction without support is signalled"
        screenshot(driver, "journey.png")
        # The header stays in view while the professional scrolls to the timeline.
        driver.find_element(By.ID, "tl-h").location_once_scrolled_into_view
        assert driver.execute_script("return window.scrollY") > 400
        assert in_view(driver, driver.find_element(By.TAG_NAME, "h1")), "the client's name stays in view"
        assert in_view(driver, driver.find_element(By.LINK_TEXT, "Notitie schrijven"))
        # The timeline: the newest page, each note once; earlier items on request.
        items = driver.find_elements(By.CSS_SELECTOR, "#timeline li.item")
        assert len(items) == 30, len(items)
        assert "Weekgesprek 35:" in driver.find_element(By.ID, "timeline").text
        assert "Weekgesprek 1:" not in driver.find_element(By.ID, "timeline").text
        driver.find_element(By.ID, "older").click()
        wait.until(lambda d: "shown=60" in d.current_url and "Weekgesprek 1:" in d.find_element(By.ID, "timeline").text)
        assert driver.find_element(By.ID, "timeline").text.count("Weekgesprek 7:") == 1, "each note once"
        log("first screen, sticky header and the timeline's pages as a professional sees them")

        # Offline search from the navigation: a note far down the timeline, found by its words, opens in view.
        click(driver, driver.find_element(By.CSS_SELECTOR, "#nav-links a[href='/search']"))
        wait.until(lambda d: d.find_element(By.TAG_NAME, "h1").text == "Zoeken in dossiers")
        driver.find_element(By.ID, "search-q").send_keys("WEEKGESPREK 7")
        driver.find_element(By.ID, "search-q").send_keys(Keys.ENTER)
        wait.until(lambda d: "1 resultaat" in d.find_element(By.ID, "search-summary").text)
        marked = [m.text for m in driver.find_elements(By.CSS_SELECTOR, "#search-results mark")]
        assert marked == ["Weekgesprek", "7"], marked
        screenshot(driver, "search.png")
        click(driver, driver.find_element(By.CSS_SELECTOR, "#search-results li a[href*='focus=']"))
        wait.until(lambda d: note_article(d, "Weekgesprek 7:") is not None)
        assert in_view(driver, note_article(driver, "Weekgesprek 7:")), "the note found is on the screen, not under the header"
        # The same from the client's page, in this file only.
        click(driver, driver.find_element(By.ID, "file-q"))
        driver.find_element(By.ID, "file-q").send_keys("voortgang")
        driver.find_element(By.ID, "file-q").send_keys(Keys.ENTER)
        wait.until(lambda d: "35 resultaten" in d.find_element(By.ID, "search-summary").text)
        assert "Alleen in het dossier van Jaap de Vries" in driver.find_element(By.TAG_NAME, "main").text
        log("offline search finds a note by its words and opens the journey where it is")
        click(driver, driver.find_element(By.LINK_TEXT, "Jaap de Vries"))
        wait.until(lambda d: d.find_element(By.TAG_NAME, "h1").text == "Jaap de Vries")

        driver.find_element(By.LINK_TEXT, "Notitie schrijven").click()
        wait.until(lambda d: d.find_element(By.TAG_NAME, "h1").text == "Notitie schrijven")
        assert in_view(driver, driver.find_element(By.CSS_SELECTOR, "form button.primary")), "Opslaan is in view"
        screenshot(driver, "note-form.png")
        driver.find_element(By.ID, "text").send_keys(NOTE)
        driver.find_element(By.CSS_SELECTOR, "label[for=det-selfEfficacy]").click()
        driver.find_element(By.CSS_SELECTOR, "form button.primary").click()

        wait.until(lambda d: note_article(d, NOTE) is not None)
        flash = driver.find_element(By.CSS_SELECTOR, ".flash")
        assert "Opgeslagen op deze laptop. Het wordt verstuurd zodra er verbinding is." in flash.text, flash.text
        assert in_view(driver, flash), "the confirmation is where the professional looks"
        assert "Nog niet verstuurd" in note_article(driver, NOTE).text
        log("the note is saved on the laptop, confirmed in view, and marked as not yet sent")

        # The app's own Dutch messages, not the browser's.
        journey_url = driver.current_url.split("?")[0]
        driver.get(journey_url + "/agreements/new")
        driver.find_element(By.ID, "due").send_keys("31-02-2027")
        driver.find_element(By.CSS_SELECTOR, "form button.primary").click()
        wait.until(lambda d: d.find_elements(By.ID, "error-summary"))
        summary = driver.find_element(By.ID, "error-summary").text
        assert "31-02-2027 bestaat niet: februari 2027 heeft 28 dagen." in summary, summary
        assert "Schrijf wat er is afgesproken." in summary, summary
        driver.get(journey_url)
        driver.find_element(By.CSS_SELECTOR, "#signals .ack-form button").click()
        wait.until(lambda d: "Het signaal is niet als besproken gemarkeerd: geef een korte toelichting" in d.find_element(By.TAG_NAME, "main").text)
        log("a day that does not exist and an empty reason get the app's Dutch messages")

        # The plan, the hand-overs and the client's own view, without the command line.
        driver.get(journey_url)
        driver.find_element(By.LINK_TEXT, "Subdoel toevoegen").click()
        wait.until(lambda d: d.find_element(By.TAG_NAME, "h1").text == "Subdoel toevoegen")
        driver.find_element(By.CSS_SELECTOR, "form button.primary").click()
        wait.until(lambda d: d.find_elements(By.ID, "error-summary"))
        summary = driver.find_element(By.ID, "error-summary").text
        assert "Kies ten minste één determinant." in summary and "Schrijf wat er bereikt moet worden." in summary, summary
        driver.find_element(By.ID, "title").send_keys("Zelf een baan in de buurt vinden")
        Select(driver.find_element(By.ID, "behaviour")).select_by_value("jobSearch")
        driver.find_element(By.CSS_SELECTOR, "label[for=det-attitude]").click()
        Select(driver.find_element(By.ID, "owner")).select_by_value("client")
        driver.find_element(By.CSS_SELECTOR, "form button.primary").click()
        wait.until(lambda d: "Zelf een baan in de buurt vinden" in d.find_element(By.ID, "plan").text)
        assert "De klant" in driver.find_element(By.ID, "plan").text
        log("a sub-goal of the client's own, through the form")

        driver.find_element(By.LINK_TEXT, "Inschatting vastleggen").click()
        Select(driver.find_element(By.ID, "determinant")).select_by_value("selfEfficacy")
        driver.find_element(By.CSS_SELECTOR, "label[for=score-4]").click()
        driver.find_element(By.CSS_SELECTOR, "label[for=source-client]").click()
        driver.find_element(By.ID, "explanation").send_keys("Jaap: ik kan het best, als iemand me een kans geeft")
        driver.find_element(By.CSS_SELECTOR, "form button.primary").click()
        wait.until(lambda d: "ik kan het best" in d.find_element(By.ID, "matrix").text)
        assert "De klant zelf" in driver.find_element(By.ID, "matrix").text
        assert "de klant ziet het anders" in driver.find_element(By.ID, "matrix").text, "4 against 1 is a difference to discuss"
        log("the client's own view, beside the professionals', with the difference marked")

        referrals = driver.find_element(By.ID, "referrals").find_element(By.XPATH, "..")
        assert "Heeft steun nodig bij het zoeken naar werk" in referrals.text
        click(driver, referrals.find_element(By.XPATH, ".//button[@value='declined']"))
        wait.until(lambda d: "De verwijzing is niet afgewezen: geef een korte reden" in d.find_element(By.TAG_NAME, "main").text)
        driver.get(journey_url)
        referrals = driver.find_element(By.ID, "referrals").find_element(By.XPATH, "..")
        referrals.find_element(By.CSS_SELECTOR, "input[name=reason]").send_keys("Ik plan deze week een gesprek")
        click(driver, referrals.find_element(By.XPATH, ".//button[@value='accepted']"))
        wait.until(lambda d: "aangenomen" in d.find_element(By.ID, "referrals").find_element(By.XPATH, "..").text)
        log("the referral to this discipline is answered in the app; declining needs a reason")

        driver.find_element(By.LINK_TEXT, "Vacature vastleggen").click()
        driver.find_element(By.ID, "employer").send_keys("Logistiek Midden-Brabant")
        driver.find_element(By.ID, "title").send_keys("Orderpicker vroege dienst")
        driver.find_element(By.CSS_SELECTOR, "label[for=status-applied]").click()
        driver.find_element(By.CSS_SELECTOR, "form button.primary").click()
        wait.until(lambda d: "Orderpicker vroege dienst" in d.find_element(By.ID, "vacancies").text)
        assert "gesolliciteerd" in driver.find_element(By.ID, "vacancies").text
        log("a vacancy the client applied to, recorded in the app")

        driver.find_element(By.LINK_TEXT, "Verwijzen").click()
        wait.until(lambda d: d.find_element(By.TAG_NAME, "h1").text == "Verwijzen")
        assert not driver.find_elements(By.ID, "to-clientManager"), "not to the own discipline"
        driver.find_element(By.CSS_SELECTOR, "form button.primary").click()
        wait.until(lambda d: d.find_elements(By.ID, "error-summary"))
        assert "Kies naar welke discipline je de klant verwijst." in driver.find_element(By.ID, "error-summary").text
        driver.find_element(By.CSS_SELECTOR, "label[for=to-accountManager]").click()
        driver.find_element(By.ID, "reason").send_keys("Klaar voor de vacature in de logistiek")
        driver.find_element(By.CSS_SELECTOR, "form button.primary").click()
        wait.until(lambda d: "Klaar voor de vacature in de logistiek" in d.find_element(By.ID, "referrals").find_element(By.XPATH, "..").text)
        assert "[open] Klantmanager → Accountmanager" in driver.find_element(By.ID, "referrals").find_element(By.XPATH, "..").text \
            or "[open] klantmanager → accountmanager" in driver.find_element(By.ID, "referrals").find_element(By.XPATH, "..").text
        log("a referral to the account manager, through the form")

        driver.get(journey_url)
        wait.until(lambda d: note_article(d, NOTE) is not None and "Nog niet verstuurd" in note_article(d, NOTE).text)
        driver.execute_script("window.samenspelNoReload = true;")
        server = start_server(data, port)
        log("the server is back")
        wait.until(lambda d: "Nog niet verstuurd" not in note_article(d, NOTE).text)
        assert driver.execute_script("return window.samenspelNoReload === true"), "the page was reloaded"
        wait.until(lambda d: "Alles is verstuurd" in d.find_element(By.ID, "sync-banner").text
                   and not d.find_elements(By.CSS_SELECTOR, "#nav-links a[href='/sync'] .count"))
        log("the open page marks the note as sent, without a reload")

        samenspel("note", "add", "--replica", colleague, "--client", jaap, "--text", COLLEAGUE_NOTE)
        samenspel("sync", "--replica", colleague)
        written = time.monotonic()
        wait.until(lambda d: note_article(d, COLLEAGUE_NOTE) is not None)
        took = time.monotonic() - written
        assert took < 8, f"the colleague's note took {took:.1f} s: it came by the 10 s interval, not by a poke"
        log(f"the colleague's note appeared {took:.2f} s after it was sent, by the server's poke")
        assert driver.execute_script("return window.samenspelNoReload === true"), "the page was reloaded"
        assert "Ahmed El Amrani" in note_article(driver, COLLEAGUE_NOTE).text
        log("the colleague's note appears live")
        driver.get(f"http://127.0.0.1:{app_port}/review")
        screenshot(driver, "review.png")
        driver.get(f"http://127.0.0.1:{app_port}/sync")
        assert "verbonden" in driver.find_element(By.ID, "sync-details").text
        assert "komen direct binnen" in driver.find_element(By.ID, "live").text
        screenshot(driver, "sync.png")

        # Closed and opened again: still signed in, without a new link.
        driver.quit()
        driver = open_browser(profile)
        wait = LiveWait(driver)
        driver.get(f"http://127.0.0.1:{app_port}/")
        wait.until(lambda d: "Jaap de Vries" in d.page_source)
        log("the session survives a closed browser")
        # Lock now: nothing shown any more; a new link is printed where the app runs.
        driver.find_element(By.ID, "lock").click()
        wait.until(lambda d: "Samenspel is vergrendeld" in d.page_source)
        driver.get(f"http://127.0.0.1:{app_port}/")
        assert "Jaap" not in driver.page_source and "Geen toegang" in driver.page_source
        wait_for(lambda: len(urls_printed(os.path.join(WORK, "app.out"))) == 2, 10, "a new link after locking")
        driver.get(urls_printed(os.path.join(WORK, "app.out"))[1])
        # Locking also took the replica's keys out of memory: the passphrase opens it again.
        wait.until(lambda d: "Samenspel is op slot" in d.page_source)
        assert "Jaap" not in driver.page_source
        screenshot(driver, "unlock.png")
        field = driver.find_element(By.ID, "passphrase")
        field.send_keys("niet de goede")
        field.send_keys(Keys.ENTER)
        wait.until(lambda d: "Deze wachtwoordzin klopt niet" in d.page_source)
        field = driver.find_element(By.ID, "passphrase")
        field.send_keys(CLEAN_ENV["SAMENSPEL_PASSPHRASE"])
        field.send_keys(Keys.ENTER)
        wait.until(lambda d: "Jaap de Vries" in d.page_source)
        log("'Nu vergrendelen' locks at once; the new link and the passphrase open it again")
    except Exception:
        os.makedirs(SHOTS, exist_ok=True)
        driver.save_screenshot(os.path.join(SHOTS, "failure.png"))
        log(f"failed on {driver.current_url}; page text:\n{driver.find_element(By.TAG_NAME, 'body').text[:3000]}")
        raise
    finally:
        driver.quit()

    started = time.monotonic()
    stop(app, timeout=15)
    log(f"the app stopped {time.monotonic() - started:.1f} s after Ctrl+C")
    stop(server)
    for name in ("app.out", "app.err", "server.out", "server.err"):
        with open(os.path.join(WORK, name)) as handle:
            text = handle.read()
        for secret in (NOTE, COLLEAGUE_NOTE, "Jaap de Vries", "Orderpicker vroege dienst", "ik kan het best"):
            assert secret not in text, f"{name} contains note text or a client name"
    log("passed")


if __name__ == "__main__":
    try:
        main()
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
        if not os.environ.get("SAMENSPEL_KEEP_E2E"):
            shutil.rmtree(WORK, ignore_errors=True)
