"""Item analysis and the end of a term in headless Chromium against the real server: the teacher makes a class on
the page, students answer through the API (code graded in the sandbox), the teacher reads the analysis (whole
class, then one assignment), exports the class as JSON and CSV, and deletes it after confirming. Each step is
checked through the API as well, and axe-core checks the page with the analysis on it."""
import csv
import io
import json

from selenium.webdriver.common.by import By  # noqa: E402

from test_ui import (  # noqa: E402,F401  (fixtures are found by name)
    driver, server, go, wait, read, click, type_into, http, settled, shot, unlabelled_controls,
    LOW_CONTRAST_JS, READABLE, REPO, TEACHER_TOKEN,
)
from test_study import axe_check  # noqa: E402

SERIAL_FETCH_ALL = 'async def fetch_all(fetch, items):\n    return [await fetch(i) for i in items]\n'
GOOD_FETCH_ALL = ('import asyncio\n\nasync def fetch_all(fetch, items):\n'
                  '    return await asyncio.gather(*(fetch(i) for i in items))\n')
READ_BLOB = ("const done = arguments[arguments.length - 1];"
             "fetch(document.querySelector(arguments[0]).href).then(r => r.text()).then(done, e => done('error ' + e));")


def row_text(d, question, measure):
    return read(d, lambda x: x.find_element(
        By.CSS_SELECTOR, f"#analysis-table tr[data-q='{question}'] td[data-m='{measure}']").text)


def test_the_teacher_reads_the_analysis_exports_and_deletes_the_class(server, driver):
    bank = json.loads((REPO / "questions.json").read_text())["questions"]
    single = next(q for q in bank if q["kind"] == "single_choice")
    right = next(c["id"] for c in single["choices"] if c["correct"])
    wrong = next(c["id"] for c in single["choices"] if not c["correct"])

    go(driver, server, "/teacher")
    if driver.find_elements(By.ID, "teacher-token"):
        type_into(driver, "#teacher-token", TEACHER_TOKEN)
        click(driver, "form button[type=submit]")
    settled(driver)
    type_into(driver, "#class-name", "Analysis UI")
    click(driver, "#create-h ~ form button[type=submit]")
    code = read(driver, lambda d: d.find_element(By.ID, "class-code").text or None)

    # Students answer through the API: two on the choice question, one on the code question twice.
    tokens = []
    for name in ("Ada UI", "Bo UI"):
        status, student = http(server, "POST", "/api/v1/students", {"name": name, "class": code})
        assert status == 201, student
        tokens.append(student["token"])
    for token, choice in ((tokens[0], right), (tokens[1], wrong)):
        status, result = http(server, "POST", f"/api/v1/questions/{single['id']}/attempts", {"choices": [choice]},
                              token=token)
        assert status == 200, result
    for source in (SERIAL_FETCH_ALL, GOOD_FETCH_ALL):
        status, result = http(server, "POST", "/api/v1/questions/code-fetch-all/attempts", {"code": source},
                              token=tokens[0])
        assert status == 200, result
    status, assignment = http(server, "POST", f"/api/v1/classes/{code}/assignments",
                              {"title": "Only code", "questions": ["code-fetch-all"],
                               "opens_at": "2020-01-01T00:00:00Z", "due_at": "2030-01-01T00:00:00Z"},
                              token=TEACHER_TOKEN)
    assert status == 201, assignment

    # The whole class: a row per question, values written out beside their bars.
    type_into(driver, "#analysis-code", code)
    click(driver, "#analysis-button")
    read(driver, lambda d: d.find_element(By.CSS_SELECTOR, f"#analysis-table tr[data-q='{single['id']}']"))
    assert row_text(driver, single["id"], "students") == "2"
    assert row_text(driver, single["id"], "first") == "50%"
    assert row_text(driver, single["id"], "mean") == "0.50"
    details = driver.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map(li => li.textContent)",
        f"#analysis-table tr[data-q='{single['id']}'] td.details li")
    assert f"{right}: 1" in details and f"{wrong}: 1" in details
    assert sorted(details) == sorted("%s: %d" % (c["id"], c["id"] in (right, wrong)) for c in single["choices"])
    assert row_text(driver, "code-fetch-all", "attempts") == "2"
    tasks = read(driver, lambda d: d.find_element(
        By.CSS_SELECTOR, "#analysis-table tr[data-q='code-fetch-all'] td.details").text)
    assert "not concurrent 1" in tasks and "passed" in tasks
    # Bars are decoration: every one is hidden from screen readers, its value is text.
    assert driver.execute_script(
        "return [...document.querySelectorAll('#analysis-table .mini-bar')].every(b => b.getAttribute('aria-hidden') === 'true')")
    _, api_view = http(server, "GET", f"/api/v1/classes/{code}/analysis", token=TEACHER_TOKEN)
    assert {q["id"] for q in api_view["questions"]} == {single["id"], "code-fetch-all"}

    # One assignment: its question only.
    wait(driver).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#analysis-assignment option")) == 2)
    driver.execute_script("const s = document.querySelector('#analysis-assignment'); s.value = arguments[0];"
                          "s.dispatchEvent(new Event('change'));", assignment["id"])
    wait(driver).until(lambda d: "Only code" in d.find_element(By.CSS_SELECTOR, ".analysis").text)
    rows = driver.find_elements(By.CSS_SELECTOR, "#analysis-table tbody tr")
    assert [r.get_attribute("data-q") for r in rows] == ["code-fetch-all"]
    assert unlabelled_controls(driver) == []
    assert driver.execute_script(LOW_CONTRAST_JS, f".teacher-page :is({READABLE})") == []
    assert axe_check(driver, "light", "/teacher analysis") == []
    shot(driver, "teacher-analysis.png")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    try:
        assert driver.execute_script("return matchMedia('(prefers-color-scheme: dark)').matches")
        assert driver.execute_script(LOW_CONTRAST_JS, f".teacher-page :is({READABLE})") == []
        assert axe_check(driver, "dark", "/teacher analysis") == []
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})

    # Export: JSON and CSV, each a download link whose content is the class.
    type_into(driver, "#term-code", code)
    click(driver, "#export-json")
    read(driver, lambda d: d.find_element(By.ID, "export-json-link"))
    exported = json.loads(driver.execute_async_script(READ_BLOB, "#export-json-link"))
    assert exported["class"]["code"] == code and len(exported["attempts"]) == 4
    assert {s["name"] for s in exported["students"]} == {"Ada UI", "Bo UI"}
    click(driver, "#export-csv")
    read(driver, lambda d: d.find_element(By.ID, "export-csv-link"))
    rows = list(csv.reader(io.StringIO(driver.execute_async_script(READ_BLOB, "#export-csv-link"), newline="")))
    assert rows[0][:3] == ["attempt", "student_id", "student"] and len(rows) == 5

    # Delete: a confirmation first; a wrong code deletes nothing; Cancel leaves the class.
    click(driver, "#delete-class")
    read(driver, lambda d: d.find_element(By.ID, "delete-warning"))
    assert unlabelled_controls(driver) == []
    assert axe_check(driver, "light", "/teacher delete confirmation") == []
    type_into(driver, "#delete-confirm-code", "WRONG1")
    click(driver, "#delete-confirm")
    wait(driver).until(lambda d: f"Type {code} to confirm" in d.find_element(By.CSS_SELECTOR, ".term-out").text)
    assert http(server, "GET", f"/api/v1/classes/{code}", token=TEACHER_TOKEN)[0] == 200
    click(driver, "#delete-cancel")
    assert http(server, "GET", f"/api/v1/classes/{code}", token=TEACHER_TOKEN)[0] == 200
    click(driver, "#delete-class")
    type_into(driver, "#delete-confirm-code", code.lower())
    click(driver, "#delete-confirm")
    read(driver, lambda d: d.find_element(By.ID, "class-deleted"))
    assert http(server, "GET", f"/api/v1/classes/{code}", token=TEACHER_TOKEN)[0] == 404
    assert http(server, "GET", "/api/v1/me/attempts", token=tokens[0])[0] == 401
    # The analysis of a deleted class says so.
    click(driver, "#analysis-button")
    wait(driver).until(lambda d: "no class" in d.find_element(By.CSS_SELECTOR, ".analysis").text.lower())
