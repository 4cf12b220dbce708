"""The browser UI in a real browser: headless Chromium driven by Selenium against the real server.

Starts `QuizServer serve` itself on a free port with a fresh data dir and a known teacher token.
Scenarios whose endpoints the server does not have yet (answering 404) are skipped with the reason.

Environment:
  QUIZ_SERVER_BIN        the server binary (default: <repo>/.build/debug/QuizServer)
  QUIZ_UI_QUESTIONS      a question bank to serve instead of <repo>/questions.json
  QUIZ_UI_SCREENSHOTS    a directory: save screenshots of the main pages there (1280x900), e.g. docs/screenshots
  CHROME_BIN, CHROMEDRIVER   the browser and its driver (default: found on PATH)
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("selenium", reason="selenium is not installed (python3 -m pip install selenium)")

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SERVER_BIN = os.environ.get("QUIZ_SERVER_BIN", str(REPO / ".build" / "debug" / "QuizServer"))
TEACHER_TOKEN = "some-test-token"
SHOTS = os.environ.get("QUIZ_UI_SCREENSHOTS")
WIDTH, HEIGHT = 1280, 900

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


@pytest.fixture(scope="module")
def server():
    if not os.path.exists(SERVER_BIN):
        pytest.fail(f"no server binary at {SERVER_BIN}: run `swift build` first or set QUIZ_SERVER_BIN")
    port = free_port()
    data_dir = tempfile.mkdtemp(prefix="quiz-ui-")
    args = [SERVER_BIN, "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", data_dir]
    if os.environ.get("QUIZ_UI_QUESTIONS"):
        args += ["--questions", os.environ["QUIZ_UI_QUESTIONS"]]
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
    yield base
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
    shutil.rmtree(data_dir, ignore_errors=True)


def missing(status, body):
    """True when the server has no such endpoint (or no such question) yet."""
    return status == 404


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


def wait(d, seconds=10):
    return WebDriverWait(d, seconds)


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
    el = wait(d).until(EC.element_to_be_clickable((By.CSS_SELECTOR, css)))
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
    el.click()
    return el


def first_question(base, kind):
    status, body = http(base, "GET", f"/api/v1/questions?kind={kind}")
    assert status == 200, body
    if not body["questions"]:
        pytest.skip(f"the bank has no {kind} question")
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
    cards = wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, "li.topic") or None)
    assert len(cards) == len(body["topics"])
    first = body["topics"][0]
    assert first["title"] in cards[0].text
    assert f"{first['count']} question" in cards[0].text
    assert "Not recording" in driver.find_element(By.ID, "recording").text
    shot(driver, "topics.png")

    # at phone width nothing scrolls sideways
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 360, "height": 740, "deviceScaleFactor": 1, "mobile": True})
    try:
        go(driver, server, "/topics")
        wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, "li.topic"))
        assert driver.execute_script("return document.documentElement.scrollWidth") <= 360
    finally:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False})


def test_choice_question_shows_verdict_explanation_and_feedback(server, driver):
    q = first_question(server, "single_choice")
    go(driver, server, f"/q/{q['id']}")
    assert wait(driver).until(lambda d: d.find_element(By.TAG_NAME, "h1")).text.strip() != ""
    assert unlabelled_controls(driver) == []
    # submitting nothing asks for a choice instead of sending
    click(driver, "form.answer button[type=submit]")
    assert "Choose an answer" in driver.find_element(By.CSS_SELECTOR, ".form-hint").text
    chosen = q["choices"][0]["id"]
    click(driver, f"label[for='choice-{q['id']}-{chosen}']")
    click(driver, "form.answer button[type=submit]")
    result = wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, "section.result"))
    assert result.find_element(By.TAG_NAME, "h2").text.split("·")[0].strip().endswith(("Correct", "Not quite"))
    assert result.find_element(By.CSS_SELECTOR, ".explanation").text.strip()
    items = driver.find_elements(By.CSS_SELECTOR, "li.choice")
    assert len(items) == len(q["choices"])
    assert len(driver.find_elements(By.CSS_SELECTOR, "li.choice .choice-feedback")) == len(q["choices"])
    assert [li.get_attribute("data-choice") for li in driver.find_elements(By.CSS_SELECTOR, "li.choice.is-chosen")] == [chosen]
    assert len(driver.find_elements(By.CSS_SELECTOR, "li.choice.is-correct")) == 1
    assert "Your choice" in driver.find_element(By.CSS_SELECTOR, "li.choice.is-chosen .choice-feedback").text
    progress = driver.execute_script("return JSON.parse(localStorage.getItem('asyncquiz.progress'))")
    assert q["id"] in progress
    driver.execute_script("window.scrollTo(0, 0)")
    shot(driver, "choice-answered.png")
    # the topic list now counts it
    go(driver, server, "/topics")
    assert "1 of " in wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, ".overall")).text


def test_predict_output_shows_the_real_output_beside_mine(server, driver):
    q = first_question(server, "predict_output")
    go(driver, server, f"/q/{q['id']}")
    code = wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, "pre.program code"))
    assert code.text.strip().splitlines()[0] == q["code"].strip().splitlines()[0]
    area = driver.find_element(By.ID, f"out-{q['id']}")
    area.send_keys("surely not this")
    click(driver, "form.answer button[type=submit]")
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, "section.result.verdict-failed"))
    cols = driver.find_elements(By.CSS_SELECTOR, ".compare .out-col")
    assert [c.find_element(By.TAG_NAME, "h3").text for c in cols] == ["Your output", "Real output"]
    assert "surely not this" in cols[0].text
    expected = driver.execute_script(
        "const pre = document.querySelectorAll('.compare pre.output')[1].cloneNode(true);"
        "pre.querySelectorAll('.sr-only').forEach(e => e.remove()); return pre.textContent")
    assert driver.find_elements(By.CSS_SELECTOR, ".compare .line.diff")
    # now answer with the real output
    area.clear()
    driver.execute_script("arguments[0].value = arguments[1]", area, expected)
    click(driver, "form.answer button[type=submit]")
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, "section.result.verdict-passed"))
    assert not driver.find_elements(By.CSS_SELECTOR, ".compare .line.diff")


# ---------------------------------------------------------------- code


def set_code(d, text):
    d.execute_script("""
      const cm = document.querySelector('.CodeMirror');
      if (cm) cm.CodeMirror.setValue(arguments[0]); else document.querySelector('textarea.code-fallback').value = arguments[0];
    """, text)


def submit_code(d, text):
    set_code(d, text)
    old = d.find_elements(By.CSS_SELECTOR, "section.result")
    click(d, "form.answer.code button[type=submit]")
    if old:
        wait(d, 30).until(EC.staleness_of(old[0]))
    return wait(d, 30).until(lambda x: x.find_element(By.CSS_SELECTOR, "section.result"))


def test_code_question_verdicts_and_timelines(server, driver):
    status, q = http(server, "GET", "/api/v1/questions/code-fetch-all")
    if missing(status, q):
        pytest.skip("the server has no question code-fetch-all yet (404)")
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
    assert "verdict-passed" in result.get_attribute("class"), result.text
    bars = driver.find_elements(By.CSS_SELECTOR, "figure.timeline svg.tl rect.bar")
    assert len(bars) >= 2
    captions = [c.text for c in driver.find_elements(By.CSS_SELECTOR, "figure.timeline figcaption")]
    assert any("all ran together" in c for c in captions), captions
    svg = driver.find_element(By.CSS_SELECTOR, "figure.timeline svg.tl")
    assert "call" in svg.get_attribute("aria-label") and svg.find_element(By.TAG_NAME, "title")
    # the draft is remembered
    assert "gather" in (driver.execute_script("return localStorage.getItem('asyncquiz.draft.code-fetch-all')") or "")

    result = submit_code(driver, SEQUENTIAL_FETCH_ALL)
    assert "verdict-failed" in result.get_attribute("class"), result.text
    badges = [b.text for b in driver.find_elements(By.CSS_SELECTOR, ".task .badge")]
    assert any("Not concurrent" in b for b in badges), badges
    tasks = driver.find_elements(By.CSS_SELECTOR, ".task-list > li")
    assert tasks and all(t.find_element(By.CSS_SELECTOR, ".task-name").text for t in tasks)
    first_fig = driver.find_element(By.CSS_SELECTOR, ".task.status-not_concurrent figure.timeline")
    assert "one after another" in first_fig.find_element(By.TAG_NAME, "figcaption").text
    n_bars = len(first_fig.find_elements(By.CSS_SELECTOR, "rect.bar"))
    n_calls = driver.execute_script(
        "return arguments[0].querySelector('svg.tl desc').textContent.split('. ').filter(Boolean).length", first_fig)
    assert n_bars == n_calls >= 2
    driver.execute_script(
        "const r = document.querySelector('.task.status-not_concurrent').getBoundingClientRect();"
        "window.scrollBy(0, r.top - 330)")
    shot(driver, "code-timeline.png")


# ---------------------------------------------------------------- class and teacher


def test_class_join_record_and_teacher_results(server, driver):
    status, body = http(server, "POST", "/api/v1/classes", {"name": "probe"})
    if missing(status, body):
        pytest.skip("the server has no POST /api/v1/classes yet (404)")
    driver.execute_script("window.confirm = () => true")

    # the teacher creates a class in the UI
    go(driver, server, "/teacher")
    wait(driver).until(lambda d: d.find_element(By.ID, "teacher-token")).send_keys(TEACHER_TOKEN)
    click(driver, "form button[type=submit]")
    wait(driver).until(lambda d: d.find_element(By.ID, "class-name")).send_keys("Period 3")
    click(driver, "#create-h ~ form button[type=submit]")
    code = wait(driver).until(lambda d: d.find_element(By.ID, "class-code")).text.strip()
    assert code
    big = driver.execute_script("return parseFloat(getComputedStyle(document.getElementById('class-code')).fontSize)")
    assert big >= 40

    shot(driver, "teacher-class-code.png")

    # a student joins it
    status, other = http(server, "POST", "/api/v1/students", {"name": "Grace Hopper", "class": code})
    if missing(status, other):
        pytest.skip("the server has no POST /api/v1/students yet (404)")
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
        _, r = http(server, "POST", f"/api/v1/questions/{other_q['id']}/attempts", {"output": "?"}, token=other["token"])
        if r.get("expected") is not None:
            http(server, "POST", f"/api/v1/questions/{other_q['id']}/attempts", {"output": r["expected"]}, token=other["token"])
    go(driver, server, f"/class/{code}")
    assert wait(driver).until(lambda d: d.find_element(By.ID, "join-code")).get_attribute("value") == code
    driver.find_element(By.ID, "join-name").send_keys("Ada Lovelace")
    click(driver, "form.join button[type=submit]")
    wait(driver).until(lambda d: "Recording to class" in d.find_element(By.ID, "recording").text)
    assert f"Recording to class {code} as Ada Lovelace" in driver.find_element(By.ID, "recording").text

    # an attempt is recorded
    q = first_question(server, "single_choice")
    go(driver, server, f"/q/{q['id']}")
    click(driver, f"label[for='choice-{q['id']}-{q['choices'][0]['id']}']")
    click(driver, "form.answer button[type=submit]")
    result = wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, "section.result"))
    assert f"Recorded to class {code}" in result.text

    # my attempts
    status, _ = http(server, "GET", "/api/v1/me/attempts", token="nonsense")
    if not missing(status, _):
        go(driver, server, "/class")
        table = wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, ".attempts table"))
        assert q["title"].replace("`", "") in table.text.replace("`", "") or q["id"] in table.text

    # the teacher sees it
    status, _ = http(server, "GET", f"/api/v1/classes/{code}/results", token=TEACHER_TOKEN)
    if missing(status, _):
        pytest.skip("the server has no GET /api/v1/classes/{code}/results yet (404)")
    go(driver, server, "/teacher")
    driver.find_element(By.ID, "results-code").clear()
    driver.find_element(By.ID, "results-code").send_keys(code)
    click(driver, "#results-h ~ form button[type=submit]")
    row = wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, "#results-table tr[data-student='Ada Lovelace']"))
    cell = row.find_element(By.CSS_SELECTOR, f"td[data-q='{q['id']}']")
    assert cell.text.split()[0] in ("0", "1")
    assert driver.find_elements(By.CSS_SELECTOR, "#results-table th[scope=col]")
    driver.execute_script("document.querySelector('#results-h').scrollIntoView()")
    shot(driver, "teacher-matrix.png")

    # CSV, fetched with the token and offered through a Blob URL
    status, _ = http(server, "GET", f"/api/v1/classes/{code}/results.csv", token=TEACHER_TOKEN)
    if missing(status, _):
        pytest.skip("the server has no results.csv yet (404)")
    click(driver, "#csv-button")
    link = wait(driver).until(lambda d: d.find_element(By.ID, "csv-link"))
    assert link.get_attribute("href").startswith("blob:")
    csv = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(document.getElementById('csv-link').href).then(r => r.text()).then(done, e => done('ERR ' + e));")
    assert "Ada Lovelace" in csv

    # leaving stops the recording
    go(driver, server, "/class")
    driver.execute_script("window.confirm = () => true")
    click(driver, ".joined button.secondary")
    wait(driver).until(lambda d: "Not recording" in d.find_element(By.ID, "recording").text)
