"""The browser UI in a real browser: headless Chromium driven by Selenium against the real server.

Starts `QuizServer serve` itself on a free port with a fresh data dir and a known teacher token.
A scenario whose endpoint or question the server does not have (answering 404) fails: the UI is tested against the
server it ships with, not against whatever subset answers.

Environment:
  QUIZ_SERVER_BIN        the server binary (default: <repo>/.build/debug/QuizServer)
  QUIZ_UI_QUESTIONS      a question bank to serve instead of <repo>/questions.json
  QUIZ_UI_SCREENSHOTS    a directory: save screenshots of the main pages there (1280x900), e.g. docs/screenshots
  CHROME_BIN, CHROMEDRIVER   the browser and its driver (default: found on PATH)
  QUIZ_UI_TIMEOUT        seconds any one wait may take (default 30; grading waits twice that)
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("selenium", reason="selenium is not installed (python3 -m pip install selenium)")

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import (  # noqa: E402
    ElementClickInterceptedException,
    ElementNotInteractableException,
    NoSuchElementException,
    StaleElementReferenceException,
)
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SERVER_BIN = os.environ.get("QUIZ_SERVER_BIN", str(REPO / ".build" / "debug" / "QuizServer"))
TEACHER_TOKEN = "some-test-token"
SHOTS = os.environ.get("QUIZ_UI_SCREENSHOTS")
WIDTH, HEIGHT = 1280, 900
# Generous: on a loaded machine (CI, a 2-core box with the grader busy) pages and grading are slow. Waits end
# as soon as their condition holds, so a passing run is no slower for it.
TIMEOUT = float(os.environ.get("QUIZ_UI_TIMEOUT", "30"))
GRADE_TIMEOUT = 2 * TIMEOUT
# the keys of each variant of the predict-output questions that have variants: question id -> [key of variant 0, …]
BANK_KEYS = {q["id"]: [v["answer"] for v in q["variants"]]
             for q in json.loads((REPO / "questions.json").read_text(encoding="utf-8"))["questions"] if q.get("variants")}

CORRECT_FETCH_ALL = (
    "import asyncio\n"
    "async def fetch_all(fetch, items):\n"
    "    return await asyncio.gather(*(fetch(i) for i in items))\n"
)
SEQUENTIAL_FETCH_ALL = (
    "import asyncio\n"
    "async def fetch_all(fetch, items):\n"
    "    results = []\n"
    "    for i in items:\n"
    "        results.append(await fetch(i))\n"
    "    return results\n"
)


# ---------------------------------------------------------------- the server


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(base, method, path, body=None, token=None):
    """(status, parsed JSON or text) without raising on HTTP errors."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            status, raw = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode("utf-8", "replace")


@contextlib.contextmanager
def serving(*extra, questions=None):
    """Runs `QuizServer serve` (with extra options) on a free port and a fresh data dir; yields its base URL.
    questions(data_dir) may write a bank into the data dir and return its path."""
    if not os.path.exists(SERVER_BIN):
        pytest.fail(f"no server binary at {SERVER_BIN}: run `swift build` first or set QUIZ_SERVER_BIN")
    port = free_port()
    data_dir = tempfile.mkdtemp(prefix="quiz-ui-")
    args = [SERVER_BIN, "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", data_dir, *extra]
    bank = questions(data_dir) if questions else os.environ.get("QUIZ_UI_QUESTIONS")
    if bank:
        args += ["--questions", bank]
    log = open(os.path.join(data_dir, "server.log"), "wb")
    env = dict(os.environ, QUIZ_TEACHER_TOKEN=TEACHER_TOKEN)
    proc = subprocess.Popen(args, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        if proc.poll() is not None:
            log.close()
            pytest.fail("the server exited at start-up:\n" + Path(data_dir, "server.log").read_text()[-3000:])
        try:
            if http(base, "GET", "/healthz")[0] == 200:
                break
        except OSError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the server did not answer /healthz within 30 s")
        time.sleep(0.1)
    try:
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def server():
    with serving() as base:
        yield base


def need(status, body, what):
    """Fails the test when the server answers 404 for something the scenario needs (an endpoint or a question)."""
    if status == 404:
        pytest.fail(f"the server has no {what} (404): {body}")


# ---------------------------------------------------------------- the browser


def find_binary(env, *names):
    if os.environ.get(env):
        return os.environ[env]
    for n in names:
        p = shutil.which(n)
        if p:
            return p
    return None


@pytest.fixture(scope="module")
def driver():
    chrome = find_binary("CHROME_BIN", "chromium", "chromium-browser", "google-chrome")
    chromedriver = find_binary("CHROMEDRIVER", "chromedriver")
    if not chrome or not chromedriver:
        pytest.fail("headless Chromium is needed: apt-get install -y chromium chromium-driver")
    opts = webdriver.ChromeOptions()
    opts.binary_location = chrome
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              f"--window-size={WIDTH},{HEIGHT}", "--force-color-profile=srgb", "--hide-scrollbars"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    downloads = tempfile.mkdtemp(prefix="quiz-ui-dl-")
    opts.add_experimental_option("prefs", {"download.default_directory": downloads,
                                           "download.prompt_for_download": False})
    d = webdriver.Chrome(options=opts, service=Service(chromedriver))
    d.set_script_timeout(20)
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                      {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False})
    d.downloads = downloads
    yield d
    errors = [e for e in d.get_log("browser") if e["level"] == "SEVERE" and "favicon" not in e["message"]]
    d.quit()
    shutil.rmtree(downloads, ignore_errors=True)
    # 4xx answers the UI handles show up as console errors ("Failed to load resource"); real script errors do not
    script_errors = [e["message"] for e in errors if "Failed to load resource" not in e["message"]]
    assert not script_errors, f"JavaScript errors in the console: {script_errors}"


# Elements the UI re-renders (a view drawn again, a results table reloaded, a timeline redrawn at its real width)
# go stale between finding and reading them: every wait re-finds instead of failing on the first stale read.
RETRIED = (NoSuchElementException, StaleElementReferenceException)


def wait(d, seconds=None):
    return WebDriverWait(d, seconds or TIMEOUT, poll_frequency=0.1, ignored_exceptions=RETRIED)


def read(d, fn, seconds=None):
    """fn(driver) run until it neither raises a stale/missing-element error nor returns None; its value."""
    box = wait(d, seconds).until(lambda x: (lambda v: None if v is None else [v])(fn(x)))
    return box[0]


def text(d, css):
    """The text of the element matching css now, re-found when it was re-rendered meanwhile."""
    return read(d, lambda x: x.find_element(By.CSS_SELECTOR, css).text)


def settled(d, seconds=None):
    """Waits until nothing on the page is busy (a view being built, a region loading or grading)."""
    wait(d, seconds).until(lambda x: x.execute_script("return !document.querySelector('[aria-busy]')"))


def go(d, base, route):
    d.get(f"{base}/#{route}")
    wait(d).until(lambda x: x.execute_script(
        "return document.documentElement.dataset.route === arguments[0]"
        " && !document.getElementById('view').hasAttribute('aria-busy')", route))


def shot(d, name):
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        d.save_screenshot(os.path.join(SHOTS, name))


def click(d, css):
    """Clicks the element matching css once it is clickable; found again if it is re-rendered or covered
    (a smooth scroll still running) before the click lands. A failed attempt has not clicked, so retrying is safe."""
    def attempt(x):
        el = EC.element_to_be_clickable((By.CSS_SELECTOR, css))(x)
        if not el:
            return None
        x.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", el)
        el.click()
        return el
    return WebDriverWait(d, TIMEOUT, poll_frequency=0.1, ignored_exceptions=RETRIED + (
        ElementClickInterceptedException, ElementNotInteractableException)).until(attempt)


def type_into(d, css, value):
    """Replaces the value of the input matching css (found again if the view re-rendered it meanwhile)."""
    def attempt(x):
        el = x.find_element(By.CSS_SELECTOR, css)
        el.clear()
        el.send_keys(value)
        return el if el.get_attribute("value") == value else None
    return WebDriverWait(d, TIMEOUT, poll_frequency=0.1, ignored_exceptions=RETRIED + (
        ElementNotInteractableException,)).until(attempt)


def first_question(base, kind):
    status, body = http(base, "GET", f"/api/v1/questions?kind={kind}")
    assert status == 200, body
    if not body["questions"]:
        pytest.fail(f"the bank has no {kind} question")
    return body["questions"][0]


def unlabelled_controls(d):
    """Form controls a screen reader could not name."""
    return d.execute_script("""
      return [...document.querySelectorAll('#view input, #view textarea, #view select, #view button')]
        .filter(e => e.offsetParent !== null || e.closest('.CodeMirror'))
        .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                     && !e.getAttribute('aria-labelledby') && !(e.tagName === 'BUTTON' && e.textContent.trim()))
        .map(e => e.outerHTML.slice(0, 120));
    """)


# ---------------------------------------------------------------- study


def test_topics_list_progress_and_phone_width(server, driver):
    status, body = http(server, "GET", "/api/v1/topics")
    assert status == 200
    go(driver, server, "/topics")
    first = body["topics"][0]
    # read the cards in one go: a list found now, its texts read later, would not survive a re-render
    cards = read(driver, lambda d: [c.text for c in d.find_elements(By.CSS_SELECTOR, "li.topic")] or None)
    assert len(cards) == len(body["topics"])
    assert first["title"] in cards[0]
    assert f"{first['count']} question" in cards[0]
    assert "Not recording" in text(driver, "#recording")
    shot(driver, "topics.png")

    # at phone width nothing scrolls sideways
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 360, "height": 740, "deviceScaleFactor": 1, "mobile": True})
    try:
        go(driver, server, "/topics")
        wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, "li.topic"))
        wait(driver).until(lambda d: d.execute_script("return innerWidth") == 360)
        assert driver.execute_script("return document.documentElement.scrollWidth") <= 360
    finally:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False})


def test_choice_question_shows_verdict_explanation_and_feedback(server, driver):
    q = first_question(server, "single_choice")
    go(driver, server, f"/q/{q['id']}")
    assert text(driver, "h1").strip() != ""
    assert unlabelled_controls(driver) == []
    # submitting nothing asks for a choice instead of sending
    click(driver, "form.answer button[type=submit]")
    wait(driver).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".form-hint"), "Choose an answer"))
    assert not driver.find_elements(By.CSS_SELECTOR, "section.result")
    chosen = q["choices"][0]["id"]
    click(driver, f"label[for='choice-{q['id']}-{chosen}']")
    wait(driver).until(EC.element_located_to_be_selected((By.ID, f"choice-{q['id']}-{chosen}")))
    click(driver, "form.answer button[type=submit]")
    heading = text(driver, "section.result h2")
    assert heading.split("·")[0].strip().endswith(("Correct", "Not quite"))
    assert text(driver, "section.result .explanation").strip()
    # the feedback is added to the choices with the result; read it all in one pass, again if it re-renders
    seen = read(driver, lambda d: {
        "items": len(d.find_elements(By.CSS_SELECTOR, "li.choice")),
        "feedback": len(d.find_elements(By.CSS_SELECTOR, "li.choice .choice-feedback")),
        "chosen": [li.get_attribute("data-choice") for li in d.find_elements(By.CSS_SELECTOR, "li.choice.is-chosen")],
        "correct": len(d.find_elements(By.CSS_SELECTOR, "li.choice.is-correct")),
        "chosen_text": d.find_element(By.CSS_SELECTOR, "li.choice.is-chosen .choice-feedback").text,
    })
    assert seen["items"] == len(q["choices"])
    assert seen["feedback"] == len(q["choices"])
    assert seen["chosen"] == [chosen]
    assert seen["correct"] == 1
    assert "Your choice" in seen["chosen_text"]
    progress = driver.execute_script("return JSON.parse(localStorage.getItem('asyncquiz.progress'))")
    assert q["id"] in progress
    driver.execute_script("window.scrollTo(0, 0)")
    shot(driver, "choice-answered.png")
    # the topic list now counts it
    go(driver, server, "/topics")
    assert "1 of " in text(driver, ".overall")


def shown_choices(d):
    """(ids, letters) of the options as the page shows them, top to bottom, read in one pass."""
    return read(d, lambda x: x.execute_script("""
      const items = [...document.querySelectorAll('li.choice')];
      return items.length ? [items.map(li => li.dataset.choice),
                             items.map(li => li.querySelector('.choice-id').textContent)] : null;"""))


def test_choice_options_are_shuffled_per_browser_and_stable_across_reload(server, driver):
    questions = []
    for kind in ("single_choice", "multiple_choice"):
        status, body = http(server, "GET", f"/api/v1/questions?kind={kind}")
        assert status == 200, body
        questions += body["questions"][:5]
    if not questions:
        pytest.fail("the bank has no choice question")
    go(driver, server, "/topics")
    saved_seed = driver.execute_script("return localStorage.getItem('asyncquiz.shuffle-seed')")
    try:
        first = {}
        for q in questions:
            source = [c["id"] for c in q["choices"]]
            go(driver, server, f"/q/{q['id']}")
            ids, letters = shown_choices(driver)
            assert sorted(ids) == sorted(source), "every option is shown once, with its own id"
            assert letters == list("abcde"[:len(ids)]), "the letters shown follow the places on screen"
            first[q["id"]] = ids
            driver.refresh()
            wait(driver).until(lambda x: x.execute_script(
                "return document.documentElement.dataset.route === arguments[0]"
                " && document.querySelectorAll('li.choice').length > 0", f"/q/{q['id']}"))
            assert shown_choices(driver)[0] == ids, f"{q['id']}: a reload shows the options in another order"
        seed = driver.execute_script("return localStorage.getItem('asyncquiz.shuffle-seed')")
        assert seed, "the browser's shuffle seed is kept in localStorage"
        moved = [q["id"] for q in questions if first[q["id"]] != [c["id"] for c in q["choices"]]]
        assert moved, "no question shows its options in an order other than the bank's"

        # another browser (another seed) sees another order for some question
        driver.execute_script("localStorage.setItem('asyncquiz.shuffle-seed', 'another-browser')")
        other = {}
        for q in questions:
            go(driver, server, f"/q/{q['id']}")
            driver.refresh()
            wait(driver).until(lambda x: x.execute_script(
                "return document.querySelectorAll('li.choice').length > 0"))
            other[q["id"]] = shown_choices(driver)[0]
        assert any(other[i] != first[i] for i in first), "the order does not depend on the browser's seed"

        # the answer is still graded by the option's id, whatever its place
        q = questions[0]
        go(driver, server, f"/q/{q['id']}")
        chosen = shown_choices(driver)[0][-1]     # the last one on screen
        click(driver, f"label[for='choice-{q['id']}-{chosen}']")
        click(driver, "form.answer button[type=submit]")
        assert read(driver, lambda x: [li.get_attribute("data-choice") for li in
                                       x.find_elements(By.CSS_SELECTOR, "li.choice.is-chosen")] or None) == [chosen]
    finally:
        driver.execute_script(
            "arguments[0] === null ? localStorage.removeItem('asyncquiz.shuffle-seed')"
            " : localStorage.setItem('asyncquiz.shuffle-seed', arguments[0])", saved_seed)


def test_predict_output_shows_the_real_output_beside_mine(server, driver):
    q = first_question(server, "predict_output")
    go(driver, server, f"/q/{q['id']}")
    # highlight.js rewrites the code block's markup once it has loaded: read the text, not a kept element
    code = text(driver, "pre.program code")
    assert code.strip().splitlines()[0] == q["code"].strip().splitlines()[0]
    area = f"#out-{q['id']}"
    type_into(driver, area, "surely not this")
    click(driver, "form.answer button[type=submit]")
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, "section.result.verdict-failed"))
    cols = read(driver, lambda d: [(c.find_element(By.TAG_NAME, "h3").text, c.text)
                                   for c in d.find_elements(By.CSS_SELECTOR, ".compare .out-col")])
    assert [title for title, _ in cols] == ["Your output", "Real output"]
    assert "surely not this" in cols[0][1]
    expected = driver.execute_script(
        "const pre = document.querySelectorAll('.compare pre.output')[1].cloneNode(true);"
        "pre.querySelectorAll('.sr-only').forEach(e => e.remove()); return pre.textContent")
    assert driver.find_elements(By.CSS_SELECTOR, ".compare .line.diff")
    # now answer with the real output
    old = driver.find_element(By.CSS_SELECTOR, "section.result")
    driver.execute_script("const a = document.querySelector(arguments[0]); a.value = arguments[1];"
                          "a.dispatchEvent(new Event('input', {bubbles: true}))", area, expected)
    assert driver.execute_script("return document.querySelector(arguments[0]).value", area) == expected
    click(driver, "form.answer button[type=submit]")
    wait(driver).until(EC.staleness_of(old))
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, "section.result.verdict-passed"))
    assert not driver.find_elements(By.CSS_SELECTOR, ".compare .line.diff")


# ---------------------------------------------------------------- code


def set_code(d, source):
    d.execute_script("""
      const cm = document.querySelector('.CodeMirror');
      if (cm) cm.CodeMirror.setValue(arguments[0]); else document.querySelector('textarea.code-fallback').value = arguments[0];
    """, source)


def submit_code(d, source):
    """Submits source and waits for its own result (not the one already on the page) and for grading to end."""
    set_code(d, source)
    old = d.find_elements(By.CSS_SELECTOR, "section.result")
    click(d, "form.answer.code button[type=submit]")
    if old:
        wait(d, GRADE_TIMEOUT).until(EC.staleness_of(old[0]))
    wait(d, GRADE_TIMEOUT).until(lambda x: x.find_element(By.CSS_SELECTOR, "section.result"))
    settled(d, GRADE_TIMEOUT)
    return read(d, lambda x: {"class": x.find_element(By.CSS_SELECTOR, "section.result").get_attribute("class"),
                              "text": x.find_element(By.CSS_SELECTOR, "section.result").text})


def test_code_question_verdicts_and_timelines(server, driver):
    status, q = http(server, "GET", "/api/v1/questions/code-fetch-all")
    need(status, q, "question code-fetch-all")
    go(driver, server, "/q/code-fetch-all")
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, ".CodeMirror"))
    starter = driver.execute_script("return document.querySelector('.CodeMirror').CodeMirror.getValue()")
    assert starter == q.get("starter", "")
    opts = driver.execute_script(
        "const c = document.querySelector('.CodeMirror').CodeMirror;"
        "return [c.getOption('indentUnit'), c.getOption('lineNumbers'), c.getOption('mode')]")
    assert opts == [4, True, "python"]
    assert unlabelled_controls(driver) == []

    result = submit_code(driver, CORRECT_FETCH_ALL)
    assert "verdict-passed" in result["class"], result["text"]
    # each timeline is redrawn at its real width once on the page (ResizeObserver): read a drawing in one pass
    timelines = read(driver, lambda d: {
        "bars": len(d.find_elements(By.CSS_SELECTOR, "figure.timeline svg.tl rect.bar")),
        "captions": [c.text for c in d.find_elements(By.CSS_SELECTOR, "figure.timeline figcaption")],
        "label": d.find_element(By.CSS_SELECTOR, "figure.timeline svg.tl").get_attribute("aria-label"),
        "titles": len(d.find_element(By.CSS_SELECTOR, "figure.timeline svg.tl").find_elements(By.TAG_NAME, "title")),
    })
    assert timelines["bars"] >= 2
    assert any("all ran together" in c for c in timelines["captions"]), timelines["captions"]
    assert "call" in timelines["label"] and timelines["titles"]
    # the draft is remembered
    assert "gather" in (driver.execute_script("return localStorage.getItem('asyncquiz.draft.code-fetch-all')") or "")

    result = submit_code(driver, SEQUENTIAL_FETCH_ALL)
    assert "verdict-failed" in result["class"], result["text"]
    badges = read(driver, lambda d: [b.text for b in d.find_elements(By.CSS_SELECTOR, ".task .badge")])
    assert any("Not concurrent" in b for b in badges), badges
    names = read(driver, lambda d: [t.find_element(By.CSS_SELECTOR, ".task-name").text
                                    for t in d.find_elements(By.CSS_SELECTOR, ".task-list > li")])
    assert names and all(names)
    fig = ".task.status-not_concurrent figure.timeline"
    first_fig = read(driver, lambda d: {
        "caption": d.find_element(By.CSS_SELECTOR, f"{fig} figcaption").text,
        # bars and the described calls counted in the same drawing, in one script
        "counts": d.execute_script(
            "const f = document.querySelector(arguments[0]);"
            "return [f.querySelectorAll('svg.tl rect.bar').length,"
            "        f.querySelector('svg.tl desc').textContent.split('. ').filter(Boolean).length]", fig),
    })
    assert "one after another" in first_fig["caption"]
    n_bars, n_calls = first_fig["counts"]
    assert n_bars == n_calls >= 2
    assert driver.execute_script(LOW_CONTRAST_JS, f"section.result :is({READABLE})") == []
    driver.execute_script(
        "const r = document.querySelector('.task.status-not_concurrent').getBoundingClientRect();"
        "window.scrollBy({top: r.top - 330, behavior: 'instant'})")
    shot(driver, "code-timeline.png")


# A correct answer that blocks the event loop for a second: the grader stops it after about half a second.
BLOCKING_FETCH_ALL = "import time\nasync def fetch_all(fetch, items):\n    time.sleep(1)\n    return []\n"


@pytest.fixture
def one_grader_server():
    """A server of its own with one grader and no queue: a code answer sent while another is being graded gets 429.
    Its bank keeps a single code question, code-fetch-all: at start-up the server grades every model solution at
    once, and with no queue all but one of them would be turned away."""
    bank = json.loads(Path(os.environ.get("QUIZ_UI_QUESTIONS") or REPO / "questions.json").read_text())
    if not any(q["id"] == "code-fetch-all" for q in bank["questions"]):
        pytest.fail("the bank has no question code-fetch-all")
    bank["questions"] = [q for q in bank["questions"] if q["kind"] != "code" or q["id"] == "code-fetch-all"]

    def write(data_dir):
        path = os.path.join(data_dir, "questions.json")
        Path(path).write_text(json.dumps(bank))
        return path
    with serving("--graders", "1", "--grading-queue", "0", questions=write) as base:
        yield base


def grade_blocking(base):
    """Sends BLOCKING_FETCH_ALL: (status, Retry-After)."""
    req = urllib.request.Request(base + "/api/v1/questions/code-fetch-all/attempts", method="POST",
                                 data=json.dumps({"code": BLOCKING_FETCH_ALL}).encode(),
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            r.read()
            return r.status, r.headers.get("Retry-After")
    except urllib.error.HTTPError as e:
        e.read()
        return e.code, e.headers.get("Retry-After")


def test_code_question_full_queue_counts_down_and_retries_once(one_grader_server, driver):
    """The grading queue is full: the page shows the 429's Retry-After countdown, sends the answer once more by
    itself when it ends, and shows that grading's verdict."""
    base = one_grader_server
    go(driver, base, "/q/code-fetch-all")
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, ".CodeMirror"))
    set_code(driver, CORRECT_FETCH_ALL)
    # every text the status line shows, recorded as it changes (the countdown is on screen for about a second)
    driver.execute_script("""
      const s = document.querySelector('form.answer.code .grading-status');
      window.statusTexts = [];
      new MutationObserver(() => {
        const t = s.textContent.trim();
        if (window.statusTexts.at(-1) !== t) window.statusTexts.push(t);
      }).observe(s, {childList: true, subtree: true, characterData: true});
    """)

    # keep the one grader busy, one blocking answer after another, until the page is seen waiting
    stop = threading.Event()

    def load():
        end = time.monotonic() + 10
        while not stop.is_set() and time.monotonic() < end:
            grade_blocking(base)
    busy = threading.Thread(target=load, daemon=True)
    busy.start()
    try:
        # the load is being graded once an answer sent now is turned away at once
        retry_after = read(driver, lambda _: (lambda r: r[1] if r[0] == 429 else None)(grade_blocking(base)))
        click(driver, "form.answer.code button[type=submit]")
        waiting = text(driver, ".grading-status .alert.warn")
    finally:
        # the last blocking answer ends well within the countdown: the retry finds the grader free
        stop.set()
        busy.join()
    assert "Every grader is busy" in waiting, waiting
    assert f"Retrying in {retry_after} s (Retry-After)" in waiting, (retry_after, waiting)

    wait(driver, GRADE_TIMEOUT).until(lambda d: d.find_element(By.CSS_SELECTOR, "section.result"))
    settled(driver, GRADE_TIMEOUT)
    result = read(driver, lambda d: {"class": d.find_element(By.CSS_SELECTOR, "section.result").get_attribute("class"),
                                     "text": d.find_element(By.CSS_SELECTOR, "section.result").text})
    assert "verdict-passed" in result["class"], result["text"]
    assert text(driver, "form.answer.code .grading-status") == ""
    # grading, then the countdown, then grading again, then the verdict (the status line emptied)
    states = driver.execute_script("return window.statusTexts")
    kinds = ["wait" if "(Retry-After)" in t else "again" if t.startswith("Grading again") else
             "first" if t.startswith("Grading") else "done" if not t else t for t in states]
    collapsed = [k for i, k in enumerate(kinds) if i == 0 or kinds[i - 1] != k]
    assert collapsed == ["first", "wait", "again", "done"], states


# ---------------------------------------------------------------- class and teacher


def test_class_join_record_and_teacher_results(server, driver):
    status, body = http(server, "POST", "/api/v1/classes", {"name": "probe"})
    need(status, body, "POST /api/v1/classes")
    driver.execute_script("window.confirm = () => true")

    # the teacher creates a class in the UI
    go(driver, server, "/teacher")
    type_into(driver, "#teacher-token", TEACHER_TOKEN)
    click(driver, "form button[type=submit]")
    type_into(driver, "#class-name", "Period 3")  # on the page drawn again with the token
    click(driver, "#create-h ~ form button[type=submit]")
    code = read(driver, lambda d: d.find_element(By.ID, "class-code").text.strip() or None)
    assert code
    big = driver.execute_script("return parseFloat(getComputedStyle(document.getElementById('class-code')).fontSize)")
    assert big >= 40

    shot(driver, "teacher-class-code.png")

    # a student joins it
    status, other = http(server, "POST", "/api/v1/students", {"name": "Grace Hopper", "class": code})
    need(status, other, "POST /api/v1/students")
    assert status == 201, other
    # a second student answers a few questions through the API, so the matrix has more than one cell
    _, listing = http(server, "GET", "/api/v1/questions?kind=single_choice")
    for i, other_q in enumerate(listing["questions"][:4]):
        http(server, "POST", f"/api/v1/questions/{other_q['id']}/attempts",
             {"choices": [other_q["choices"][i % len(other_q["choices"])]["id"]]}, token=other["token"])
    _, listing = http(server, "GET", "/api/v1/questions?kind=multiple_choice")
    for other_q in listing["questions"][:3]:
        http(server, "POST", f"/api/v1/questions/{other_q['id']}/attempts",
             {"choices": [c["id"] for c in other_q["choices"][:2]]}, token=other["token"])
    _, listing = http(server, "GET", "/api/v1/questions?kind=predict_output")
    for other_q in listing["questions"][:3]:
        def served():  # a question with variants: the one served to this student for the attempt to come
            _, shown = http(server, "GET", f"/api/v1/questions/{other_q['id']}", token=other["token"])
            return {"variant": shown["variant"]} if "variant" in shown else {}
        status, r = http(server, "POST", f"/api/v1/questions/{other_q['id']}/attempts", {"output": "?", **served()},
                         token=other["token"])
        assert status == 200, r
        if r.get("expected") is not None:
            # the next attempt may be served another variant, whose key is its own (from the bank)
            body = served()
            key = (BANK_KEYS[other_q["id"]][body["variant"]] if body else r["expected"])
            status, r = http(server, "POST", f"/api/v1/questions/{other_q['id']}/attempts",
                             {"output": key, **body}, token=other["token"])
            assert status == 200 and r["verdict"] == "passed", r
    go(driver, server, f"/class/{code}")
    assert read(driver, lambda d: d.find_element(By.ID, "join-code").get_attribute("value")) == code
    type_into(driver, "#join-name", "Ada Lovelace")
    click(driver, "form.join button[type=submit]")
    wait(driver).until(lambda d: "Recording to class" in d.find_element(By.ID, "recording").text)
    assert f"Recording to class {code} as Ada Lovelace" in text(driver, "#recording")
    # joining shows the joined page: let it finish before moving on
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".joined"))
    settled(driver)

    # an attempt is recorded
    q = first_question(server, "single_choice")
    go(driver, server, f"/q/{q['id']}")
    click(driver, f"label[for='choice-{q['id']}-{q['choices'][0]['id']}']")
    wait(driver).until(EC.element_located_to_be_selected((By.ID, f"choice-{q['id']}-{q['choices'][0]['id']}")))
    click(driver, "form.answer button[type=submit]")
    assert f"Recorded to class {code}" in text(driver, "section.result")

    # my attempts
    go(driver, server, "/class")
    table = text(driver, ".attempts table")
    assert q["title"].replace("`", "") in table.replace("`", "") or q["id"] in table

    # the teacher sees it
    status, _ = http(server, "GET", f"/api/v1/classes/{code}/results", token=TEACHER_TOKEN)
    need(status, _, "GET /api/v1/classes/{code}/results")
    go(driver, server, "/teacher")
    settled(driver)  # the page loads the last class by itself first
    type_into(driver, "#results-code", code)
    click(driver, "#results-h ~ form button[type=submit]")
    settled(driver)
    row = f"#results-table tr[data-student='Ada Lovelace']"
    cell = read(driver, lambda d: d.find_element(By.CSS_SELECTOR, f"{row} td[data-q='{q['id']}']").text)
    assert cell.split()[0] in ("0", "1")
    assert driver.find_elements(By.CSS_SELECTOR, "#results-table th[scope=col]")
    assert driver.execute_script(LOW_CONTRAST_JS, f".teacher-page :is({READABLE}), .matrix-key .key") == []
    driver.execute_script("document.querySelector('#results-h').scrollIntoView()")
    shot(driver, "teacher-matrix.png")

    # CSV, fetched with the token and offered through a Blob URL
    status, _ = http(server, "GET", f"/api/v1/classes/{code}/results.csv", token=TEACHER_TOKEN)
    need(status, _, "results.csv")
    click(driver, "#csv-button")
    href = read(driver, lambda d: d.find_element(By.ID, "csv-link").get_attribute("href"))
    assert href.startswith("blob:")
    csv = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(document.getElementById('csv-link').href).then(r => r.text()).then(done, e => done('ERR ' + e));")
    assert "Ada Lovelace" in csv

    # leaving stops the recording
    go(driver, server, "/class")
    driver.execute_script("window.confirm = () => true")
    click(driver, ".joined button.secondary")
    wait(driver).until(lambda d: "Not recording" in d.find_element(By.ID, "recording").text)


# ---------------------------------------------------------------- phone width, dark mode


LOW_CONTRAST_JS = """
  // text whose colour is too close to the background behind it (WCAG contrast below 4.5:1)
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= .03928 ? v / 12.92 : ((v + .055) / 1.055) ** 2.4; })
    .reduce((a, v, i) => a + v * [.2126, .7152, .0722][i], 0);
  const bg = (e) => {
    for (; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || c[3] > 0) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  return [...document.querySelectorAll(arguments[0])]
    .filter((e) => e.getClientRects().length && e.textContent.trim())
    .map((e) => {
      // SVG text is painted with its fill, HTML text with its colour
      const fg = e instanceof SVGElement ? getComputedStyle(e).fill : getComputedStyle(e).color;
      const [a, b] = [lum(rgb(fg)), lum(bg(e))];
      return [e.className || e.tagName, e.textContent.trim().slice(0, 30), (Math.max(a, b) + .05) / (Math.min(a, b) + .05)];
    }).filter(([, , ratio]) => ratio < 4.5);
"""
READABLE = ("h1, h2, h3, p, figcaption, .legend li span, .badge, .task-name, .task-elapsed, td, th, "
            ".tl text, .choice-text, label")


def test_phone_width_and_dark_mode_code_results_and_teacher_matrix(server, driver):
    """At 360 px and with a dark colour scheme: nothing scrolls sideways, the verdict is not hidden under the
    sticky header after grading, and the text of the results and of the matrix contrasts with its background."""
    status, q = http(server, "GET", "/api/v1/questions/code-fetch-all")
    need(status, q, "question code-fetch-all")
    status, cls = http(server, "POST", "/api/v1/classes", {"name": "Phone and dark"}, token=TEACHER_TOKEN)
    need(status, cls, "POST /api/v1/classes")
    code = cls["code"]
    _, listing = http(server, "GET", "/api/v1/questions?kind=single_choice")
    for name in ("Edsger W. Dijkstra the Third", "Barbara Liskov"):
        status, st = http(server, "POST", "/api/v1/students", {"name": name, "class": code})
        assert status == 201, st
        for i, other_q in enumerate(listing["questions"][:6]):
            http(server, "POST", f"/api/v1/questions/{other_q['id']}/attempts",
                 {"choices": [other_q["choices"][(i + len(name)) % len(other_q["choices"])]["id"]]}, token=st["token"])

    driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                           {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 360, "height": 740, "deviceScaleFactor": 1, "mobile": True})
    try:
        go(driver, server, "/q/code-fetch-all")
        wait(driver).until(lambda d: d.execute_script("return innerWidth") == 360)
        assert driver.execute_script("return matchMedia('(prefers-color-scheme: dark)').matches")
        wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, ".CodeMirror"))
        result = submit_code(driver, SEQUENTIAL_FETCH_ALL)
        assert "verdict-failed" in result["class"], result["text"]
        # the page scrolls to the result by itself: once it is there, the heading is below the header, not under it
        wait(driver).until(lambda d: d.execute_script(
            "const r = document.getElementById('result-heading').getBoundingClientRect();"
            "return r.top >= document.querySelector('.site-header').getBoundingClientRect().bottom"
            "    && r.top < innerHeight / 2"))
        assert driver.execute_script("return document.documentElement.scrollWidth") <= 360
        assert driver.execute_script(
            "return getComputedStyle(document.querySelector('.CodeMirror')).backgroundColor") != "rgb(255, 255, 255)"
        assert driver.execute_script("return document.querySelectorAll(arguments[0]).length",
                                     f"section.result :is({READABLE})") > 20
        assert driver.execute_script(LOW_CONTRAST_JS, f"section.result :is({READABLE})") == []

        driver.execute_script("sessionStorage.setItem('asyncquiz.teacher', JSON.stringify(arguments[0]));"
                              "sessionStorage.setItem('asyncquiz.teacher.last', JSON.stringify(arguments[1]))",
                              TEACHER_TOKEN, code)
        go(driver, server, "/teacher")
        wait(driver).until(lambda d: d.find_elements(
            By.CSS_SELECTOR, "#results-table tr[data-student='Edsger W. Dijkstra the Third']"))
        settled(driver)
        assert driver.execute_script("return document.documentElement.scrollWidth") <= 360
        # the names wrap, so question columns are still in view beside them
        assert driver.execute_script(
            "const c = document.querySelector('#results-table td.cell');"
            "return c.getBoundingClientRect().right <= document.querySelector('.matrix-wrap').getBoundingClientRect().right")
        assert driver.execute_script("return document.querySelectorAll('#results-table td.cell').length") >= 10
        assert driver.execute_script(LOW_CONTRAST_JS, f".teacher-page :is({READABLE}), .matrix-key .key") == []
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False})
