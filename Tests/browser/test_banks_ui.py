"""Teachers' own banks in headless Chromium against the real server (real grading): a teacher uploads a bank file on
the page, sees the problems of a broken one line by line, assigns one of their questions to their class, and a
student of that class sees it in the class's question list and answers it. Each step is checked through the API too."""
import json
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from selenium.webdriver.common.by import By  # noqa: E402

from test_ui import (  # noqa: E402,F401  (fixtures are found by name)
    driver, server, go, wait, read, text, click, type_into, http, settled, shot, unlabelled_controls, submit_code,
    LOW_CONTRAST_JS, READABLE, REPO, TEACHER_TOKEN, GRADE_TIMEOUT,
)

from test_study import axe_check  # noqa: E402

SET_VALUE = ("const e = document.querySelector(arguments[0]); e.value = arguments[1];"
             "e.dispatchEvent(new Event('input', {bubbles: true}));")
SELECT = ("const s = document.querySelector(arguments[0]);"
          "for (const o of s.options) o.selected = arguments[1].includes(o.value);")


def bank_file(folder, name, broken=False):
    """A bootcamp code question (graded for real) and a single choice question, written as a bank file."""
    built = json.loads((REPO / "examples" / "async-bootcamp" / "bank.built.json").read_text())["questions"]
    code = next(q for q in built if q["id"] == "bootcamp-wait-random")
    choice = {
        "id": "ui-await-int", "topic": "awaitables", "kind": "single_choice", "title": "Await a plain int in the UI?",
        "difficulty": 1, "prompt": "Can `await 3` run?", "explanation": "An int is not awaitable.",
        "choices": [
            {"id": "a", "text": "Yes", "correct": False, "feedback": "An int has no `__await__`."},
            {"id": "b", "text": "No, it raises TypeError", "correct": True, "feedback": "Right: not awaitable."},
        ],
    }
    if broken:
        code["solution"] = code["wrong_solutions"][0]["code"]
        choice["choices"][1]["correct"] = False
    path = Path(folder) / name
    path.write_text(json.dumps({"questions": [code, choice]}))
    return str(path)


def test_a_teacher_uploads_a_bank_assigns_it_and_a_student_answers_it(server, driver):
    status, ann = http(server, "POST", "/api/v1/teachers", {"name": "Ann UI Banks"}, token=TEACHER_TOKEN)
    assert status == 201, ann
    status, made = http(server, "POST", "/api/v1/classes", {"name": "Banks UI"}, token=ann["token"])
    assert status == 201, made
    code = made["code"]
    folder = tempfile.mkdtemp(prefix="quiz-ui-bank-")

    go(driver, server, "/teacher")
    type_into(driver, "#teacher-token", ann["token"])
    click(driver, "form button[type=submit]")
    settled(driver)
    wait(driver).until(lambda d: "No banks yet." in d.find_element(By.ID, "banks-list").text)
    assert unlabelled_controls(driver) == []

    # A broken bank: each problem on its own line, nothing kept.
    driver.find_element(By.ID, "bank-file").send_keys(bank_file(folder, "broken.json", broken=True))
    click(driver, "#banks-h ~ form button[type=submit]")
    lines = read(driver, lambda d: [li.text for li in d.find_elements(By.CSS_SELECTOR, "#bank-problems li")] or None,
                 GRADE_TIMEOUT)
    assert len(lines) == 2, lines
    assert any('question "bootcamp-wait-random"' in line and "model solution does not pass" in line for line in lines)
    assert any('question "ui-await-int"' in line and "no choice is correct" in line for line in lines)
    assert "2 problems" in text(driver, "#bank-upload-result")
    assert http(server, "GET", "/api/v1/banks", token=ann["token"])[1]["banks"] == []
    assert axe_check(driver, "light", "/teacher bank problems") == []
    shot(driver, "teacher-bank-problems.png")

    # The good bank: accepted, listed with its namespaced ids.
    driver.find_element(By.ID, "bank-file").send_keys(bank_file(folder, "bank.json"))
    click(driver, "#banks-h ~ form button[type=submit]")
    read(driver, lambda d: d.find_element(By.ID, "bank-accepted"), GRADE_TIMEOUT)
    [bank] = http(server, "GET", "/api/v1/banks", token=ann["token"])[1]["banks"]
    code_id, choice_id = bank["questions"]
    assert code_id.endswith("_bootcamp-wait-random") and choice_id.endswith("_ui-await-int")
    listed = read(driver, lambda d: d.find_element(By.CSS_SELECTOR, f"#banks-table tr[data-bank='{bank['id']}']").text)
    assert code_id in listed and choice_id in listed
    assert driver.execute_script(LOW_CONTRAST_JS, f".teacher-page :is({READABLE})") == []
    assert axe_check(driver, "light", "/teacher banks") == []
    shot(driver, "teacher-banks.png")

    # Assign both questions to the class: the picker offers the class's list once the class code is given.
    type_into(driver, "#assign-code", code)
    click(driver, "#assignments-h ~ form button[type=submit]")
    wait(driver).until(lambda d: "No assignments yet." in d.find_element(By.CSS_SELECTOR, ".assignments").text)
    click(driver, ".new-assignment-box summary")
    type_into(driver, "#assign-title", "My own week")
    wait(driver).until(lambda d: d.execute_script(
        "return [...document.querySelector('#assign-questions').options].some(o => o.value === arguments[0])", choice_id))
    driver.execute_script(SELECT, "#assign-questions", [choice_id, code_id])
    opens, due = datetime.now() - timedelta(hours=1), datetime.now() + timedelta(days=2)
    driver.execute_script(SET_VALUE, "#assign-opens", opens.strftime("%Y-%m-%dT%H:%M"))
    driver.execute_script(SET_VALUE, "#assign-due", due.strftime("%Y-%m-%dT%H:%M"))
    click(driver, "form.new-assignment button[type=submit]")
    wait(driver).until(lambda d: d.find_elements(By.ID, "assignment-made"))
    [assignment] = http(server, "GET", f"/api/v1/classes/{code}/assignments", token=ann["token"])[1]["assignments"]
    assert sorted(assignment["questions"]) == sorted([choice_id, code_id])

    # A student joins; the class's questions are in their list; they answer the teacher's questions.
    driver.execute_script("sessionStorage.clear()")
    go(driver, server, f"/class/{code}")
    type_into(driver, "#join-name", "Sue Banks")
    click(driver, "form.join button[type=submit]")
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".assignment-list li[data-assignment='My own week']"))
    go(driver, server, "/topic/awaitables")
    read(driver, lambda d: d.find_element(By.CSS_SELECTOR, f"a[href='#/q/{choice_id}']"))
    click(driver, f"a[href='#/q/{choice_id}']")
    wait(driver).until(lambda d: "Await a plain int in the UI?" in d.find_element(By.TAG_NAME, "h1").text)
    click(driver, f"label[for='choice-{choice_id}-b']")
    click(driver, "form.answer button[type=submit]")
    assert text(driver, "section.result h2").split("·")[0].strip().endswith("Correct")

    go(driver, server, f"/q/{code_id}")
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, ".CodeMirror"))
    solution = json.loads(Path(bank_file(folder, "again.json")).read_text())["questions"][0]["solution"]
    result = submit_code(driver, solution)
    assert "passed" in result["class"] or "Passed" in result["text"], result
    token = driver.execute_script("return JSON.parse(localStorage.getItem('asyncquiz.student')).token")
    attempts = http(server, "GET", "/api/v1/me/attempts", token=token)[1]["attempts"]
    assert {(a["question"], a["verdict"]) for a in attempts} == {(choice_id, "passed"), (code_id, "passed")}
    mine = http(server, "GET", "/api/v1/me/assignments", token=token)[1]["assignments"]
    assert [(a["title"], a["done"], a["total"]) for a in mine] == [("My own week", 2, 2)]
    shot(driver, "student-teacher-question.png")
    driver.execute_script("localStorage.clear()")
