"""Regrade on the teacher's page, in headless Chromium against the real server and sandbox: a bank in a temp folder,
students' code attempts recorded (one passes, one fails), the question's tasks changed in the file and reloaded with
SIGHUP; the teacher presses the question's Regrade button, the progress bar fills, and the report lists whose score
changed, from what to what. The same is checked through the API."""
import copy
import json
import os
import signal
import time

import pytest
from selenium.webdriver.common.by import By  # noqa: E402

from test_study import axe_check  # noqa: E402  (axe-core, as the other views are checked)
from test_ui import (  # noqa: E402,F401  (fixtures are found by name)
    driver, serving, go, wait, read, click, type_into, http, settled, shot, unlabelled_controls,
    LOW_CONTRAST_JS, READABLE, REPO, TEACHER_TOKEN,
)

QID = "bootcamp-wait-random"
RETURNS_MAX = ("import asyncio\nimport random\n\n\nasync def wait_random(max_delay: int = 10) -> float:\n"
               "    await asyncio.sleep(random.uniform(0, max_delay))\n    return max_delay\n")


RECORD_BARS = """
window.regradeBars = [];
const note = (bar) => window.regradeBars.push({tag: bar.tagName, label: bar.getAttribute('aria-label'),
                                               max: bar.max, value: bar.value, text: bar.getAttribute('aria-valuetext')});
new MutationObserver((records) => {
  for (const r of records) {
    if (r.type === 'attributes' && r.target.tagName === 'PROGRESS') note(r.target);
    for (const n of r.addedNodes || []) if (n.querySelectorAll) n.querySelectorAll('progress').forEach(note);
  }
}).observe(document.body, {subtree: true, childList: true, attributes: true, attributeFilter: ['value', 'max', 'aria-valuetext']});
"""


def bootcamp_question():
    with open(REPO / "examples" / "async-bootcamp" / "bank.built.json", encoding="utf-8") as f:
        [q] = [q for q in json.load(f)["questions"] if q["id"] == QID]
    q.pop("version", None)
    return q


def lenient(q):
    q = copy.deepcopy(q)
    for task in q["tasks"]:
        task["checks"] = [c for c in task["checks"] if not (c.get("check") == "returns" and c.get("relation") == "close")]
    q["title"] = "wait_random (lenient)"
    return q


@pytest.fixture()
def bank_server(tmp_path):
    bank = tmp_path / "bank.json"
    bank.write_text(json.dumps({"questions": [bootcamp_question()]}))
    with serving("--questions", "questions.json", questions=lambda _: str(bank)) as base:
        yield base, bank


def server_pid(base):
    """The pid of the server serving() started for base: the process whose command line has its port."""
    port = base.rsplit(":", 1)[1]
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                args = f.read().split(b"\0")
        except OSError:
            continue
        if b"serve" in args and b"--port" in args and args[args.index(b"--port") + 1] == port.encode():
            return int(pid)
    raise AssertionError("no server process with --port " + port)


def test_the_teacher_regrades_a_question_and_reads_whose_score_changed(bank_server, driver):
    base, bank = bank_server
    status, made = http(base, "POST", "/api/v1/classes", {"name": "Regrade UI"}, token=TEACHER_TOKEN)
    assert status == 201, made
    code = made["code"]
    scores = {}
    for name, answer in (("Ada Regrade", (REPO / "examples/async-bootcamp" / QID / "solution.py").read_text()),
                         ("Bob Regrade", RETURNS_MAX)):
        status, student = http(base, "POST", "/api/v1/students", {"name": name, "class": code})
        assert status == 201, student
        status, result = http(base, "POST", f"/api/v1/questions/{QID}/attempts", {"code": answer},
                              token=student["token"])
        assert status == 200, result
        scores[name] = result["score"]
    assert scores == {"Ada Regrade": 1, "Bob Regrade": 0.25}

    # The question's tasks change; the server reloads its banks.
    bank.write_text(json.dumps({"questions": [lenient(bootcamp_question())]}))
    os.kill(server_pid(base), signal.SIGHUP)
    end = time.monotonic() + 30
    while http(base, "GET", f"/api/v1/questions/{QID}")[1]["title"] != "wait_random (lenient)":
        assert time.monotonic() < end, "the bank was not reloaded"
        time.sleep(0.05)

    go(driver, base, "/teacher")
    if driver.find_elements(By.ID, "teacher-token"):
        type_into(driver, "#teacher-token", TEACHER_TOKEN)
        click(driver, "form button[type=submit]")
    settled(driver)
    type_into(driver, "#regrade-code", code)
    click(driver, "#regrade-h ~ form button[type=submit]")
    read(driver, lambda d: d.find_element(By.CSS_SELECTOR, f"#regrade-table tr[data-q='{QID}'] button.regrade"))
    assert unlabelled_controls(driver) == []
    # The progress bar may be on the page only briefly (two gradings): an observer notes every state it shows.
    driver.execute_script(RECORD_BARS)
    click(driver, f"#regrade-table button.regrade[data-q='{QID}']")
    done = read(driver, lambda d: d.find_element(By.ID, f"regrade-done-{QID}"), seconds=120)
    assert "2 attempts, 1 score changed" in done.text, done.text
    rows = driver.find_elements(By.CSS_SELECTOR, f"#regrade-report-{QID} tbody tr")
    assert [[c.text for c in r.find_elements(By.CSS_SELECTOR, "th, td")] for r in rows] == [
        ["Bob Regrade", rows[0].find_elements(By.CSS_SELECTOR, "td")[0].text, "0.25", "1"]]
    assert driver.execute_script(LOW_CONTRAST_JS, f".teacher-page :is({READABLE})") == []
    assert axe_check(driver, "light", "teacher: regrade report") == []
    shot(driver, "teacher-regrade.png")
    # The bar was a <progress> (role progressbar) named after the question, its maximum the attempts in all.
    bars = driver.execute_script("return window.regradeBars")
    assert bars and all(b["tag"] == "PROGRESS" and b["label"] == f"Regrade of {QID}" for b in bars), bars
    assert bars[-1]["max"] == 2, bars

    # The API agrees: Bob's attempt now passes; the regrade is finished with that one change.
    status, results = http(base, "GET", f"/api/v1/classes/{code}/results", token=TEACHER_TOKEN)
    assert status == 200
    best = {row["name"]: row["results"][QID]["best"] for row in results["students"]}
    assert best == {"Ada Regrade": 1.0, "Bob Regrade": 1.0}


def test_a_page_opened_again_follows_the_regrade_still_running(bank_server, driver):
    """A regrade started before the page was opened (another tab, or the page reloaded) shows its progress again
    and then its report, found through GET .../regrades."""
    base, bank = bank_server
    status, made = http(base, "POST", "/api/v1/classes", {"name": "Regrade again"}, token=TEACHER_TOKEN)
    assert status == 201, made
    code = made["code"]
    # Each grading takes 0.8 s of work at import: twelve of them, two graders at most, take several seconds.
    slow = "import time\n_t = time.process_time()\nwhile time.process_time() - _t < 0.8:\n    pass\n" + RETURNS_MAX
    for i in range(12):
        status, student = http(base, "POST", "/api/v1/students", {"name": f"Slow {i:02d}", "class": code})
        assert status == 201, student
        status, result = http(base, "POST", f"/api/v1/questions/{QID}/attempts", {"code": slow},
                              token=student["token"])
        assert status == 200 and result["score"] == 0.25, result
    bank.write_text(json.dumps({"questions": [lenient(bootcamp_question())]}))
    os.kill(server_pid(base), signal.SIGHUP)
    end = time.monotonic() + 30
    while http(base, "GET", f"/api/v1/questions/{QID}")[1]["title"] != "wait_random (lenient)":
        assert time.monotonic() < end, "the bank was not reloaded"
        time.sleep(0.05)
    status, started = http(base, "POST", f"/api/v1/classes/{code}/regrades", {"question": QID}, token=TEACHER_TOKEN)
    assert status == 202, started

    go(driver, base, "/teacher")
    if driver.find_elements(By.ID, "teacher-token"):
        type_into(driver, "#teacher-token", TEACHER_TOKEN)
        click(driver, "form button[type=submit]")
    settled(driver)
    driver.execute_script(RECORD_BARS)
    type_into(driver, "#regrade-code", code)
    click(driver, "#regrade-h ~ form button[type=submit]")
    done = read(driver, lambda d: d.find_element(By.ID, f"regrade-done-{QID}"), seconds=120)
    assert "12 attempts, 12 scores changed" in done.text, done.text
    bars = driver.execute_script("return window.regradeBars")
    assert bars and bars[-1]["max"] == 12, bars
    # It followed the regrade already running: no second one was started.
    status, listed = http(base, "GET", f"/api/v1/classes/{code}/regrades", token=TEACHER_TOKEN)
    assert status == 200 and [r["id"] for r in listed["regrades"]] == [started["id"]], listed
