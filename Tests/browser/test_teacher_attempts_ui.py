"""The teacher opens a student's attempts from a cell of the results matrix, in headless Chromium against the real
server: each attempt with its time, verdict and score, the code exactly as the student sent it, each task's status
and message, and the timeline the student saw; a modal dialog that axe finds clean, closed with Escape, focus back
on the cell; and the hints a student took, marked beside the score. The attempts are graded by the real sandbox."""
import os

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

from test_ui import (  # noqa: E402,F401  (fixtures are found by name)
    driver, server, go, wait, read, text, click, type_into, http, settled, shot, REPO, TEACHER_TOKEN,
)
from test_study import axe_check  # noqa: E402

QUESTION = "code-fetch-all"
HINTED = "custom-await"  # a predict-output question with two hints


def source(*parts):
    with open(os.path.join(REPO, "bank", "builtin", QUESTION, *parts)) as f:
        return f.read()


def test_the_teacher_opens_a_students_code_tasks_and_timeline_from_the_matrix(server, driver):
    status, made = http(server, "POST", "/api/v1/classes", {"name": "Attempts UI"}, token=TEACHER_TOKEN)
    assert status == 201, made
    code = made["code"]
    status, ada = http(server, "POST", "/api/v1/students", {"name": "Ada Attempts", "class": code})
    assert status == 201, ada
    wrong, right = source("wrong", "1-not_concurrent.py"), source("solution.py")
    for body in (wrong, right):
        status, result = http(server, "POST", f"/api/v1/questions/{QUESTION}/attempts", {"code": body},
                              token=ada["token"])
        assert status == 200, result
    assert result["verdict"] == "passed"

    # Ada, in the class in this browser, takes a hint on a question that has some, then answers it: her teacher
    # sees the hint beside her score.
    go(driver, server, "/topics")
    driver.execute_script("localStorage.setItem('asyncquiz.student', JSON.stringify(arguments[0]))",
                          {"token": ada["token"], "name": "Ada Attempts", "class": code, "id": ada["id"]})
    go(driver, server, f"/q/{HINTED}")
    click(driver, "section.hints .hint-button")
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, "section.hints li.hint"))
    status, _ = http(server, "POST", f"/api/v1/questions/{HINTED}/attempts", {"output": "no idea"}, token=ada["token"])
    assert status == 200
    driver.execute_script("localStorage.clear()")  # the next steps are the teacher's

    go(driver, server, "/teacher")
    if driver.find_elements(By.ID, "teacher-token"):
        type_into(driver, "#teacher-token", TEACHER_TOKEN)
        click(driver, "form button[type=submit]")
    settled(driver)
    type_into(driver, "#results-code", code)
    click(driver, "#results-h ~ form button[type=submit]")
    settled(driver)
    hinted = f"#results-table tr[data-student='Ada Attempts'] td[data-q='{HINTED}']"
    assert text(driver, f"{hinted} .hint-mark") == "1h"
    assert "1 hint taken" in driver.find_element(By.CSS_SELECTOR, f"{hinted} button").get_attribute("aria-label")
    cell = f"#results-table tr[data-student='Ada Attempts'] td[data-q='{QUESTION}'] button.cell-open"
    click(driver, cell)
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#attempts-dialog .attempt"))
    settled(driver)
    dialog = driver.find_element(By.ID, "attempts-dialog")
    assert dialog.get_attribute("open") is not None
    assert "Ada Attempts" in text(driver, "#attempts-h")
    attempts = driver.find_elements(By.CSS_SELECTOR, "#attempts-dialog .attempt")
    assert len(attempts) == 2
    # Newest first: the passing attempt, then the one whose calls did not overlap.
    newest, oldest = attempts
    assert "Passed" in newest.find_element(By.CSS_SELECTOR, ".attempt-head").text
    assert "score 100%" in newest.text
    assert "Failed" in oldest.find_element(By.CSS_SELECTOR, ".attempt-head").text
    shown = driver.execute_script("return arguments[0].querySelector('pre.code code').textContent", oldest)
    assert shown == wrong
    statuses = [t.get_attribute("class") for t in oldest.find_elements(By.CSS_SELECTOR, ".task")]
    assert statuses and any("status-not_concurrent" in s for s in statuses)
    assert oldest.find_elements(By.CSS_SELECTOR, ".task-message")
    assert oldest.find_elements(By.CSS_SELECTOR, "figure svg"), "the timeline the student saw"
    # the headings of the two attempts' task lists do not share an id
    ids = driver.execute_script("return [...document.querySelectorAll('#attempts-dialog [id]')].map(e => e.id)")
    assert len(ids) == len(set(ids))
    assert axe_check(driver, "light", "teacher attempts dialog") == []
    shot(driver, "teacher-attempts.png")

    dialog.send_keys(Keys.ESCAPE)
    wait(driver).until(lambda d: not d.find_elements(By.ID, "attempts-dialog"))
    assert driver.execute_script("return document.activeElement.matches(arguments[0])", cell)

    # The teacher's route is the teacher's: the student's own token is refused.
    path = f"/api/v1/classes/{code}/students/{ada['id']}/attempts?question={QUESTION}"
    assert http(server, "GET", path, token=ada["token"])[0] == 401
