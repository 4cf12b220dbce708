"""Assignments in headless Chromium against the real server: the teacher makes one on the page (times in the
browser's time zone, sent as RFC 3339 with the offset), sees its results, and a student sees it on their class page
with how much is done. Each step is checked through the API as well."""
import json
from datetime import datetime, timedelta

from selenium.webdriver.common.by import By  # noqa: E402

from test_ui import (  # noqa: E402,F401  (fixtures are found by name)
    driver, server, go, wait, read, text, click, type_into, http, settled, shot, unlabelled_controls,
    LOW_CONTRAST_JS, READABLE, REPO, TEACHER_TOKEN,
)

SET_VALUE = ("const e = document.querySelector(arguments[0]); e.value = arguments[1];"
             "e.dispatchEvent(new Event('input', {bubbles: true}));")
SELECT = ("const s = document.querySelector(arguments[0]);"
          "for (const o of s.options) o.selected = arguments[1].includes(o.value);")


def open_assignments(driver, server, code):
    """The teacher's page, signed in with the administrator's token, showing the class's assignments."""
    go(driver, server, "/teacher")
    if driver.find_elements(By.ID, "teacher-token"):
        type_into(driver, "#teacher-token", TEACHER_TOKEN)
        click(driver, "form button[type=submit]")
    settled(driver)
    type_into(driver, "#assign-code", code)
    click(driver, "#assignments-h ~ form button[type=submit]")


def test_the_teacher_makes_an_assignment_and_the_student_sees_it(server, driver):
    status, made = http(server, "POST", "/api/v1/classes", {"name": "Assignments UI"}, token=TEACHER_TOKEN)
    assert status == 201, made
    code = made["code"]
    _, listing = http(server, "GET", "/api/v1/questions?kind=single_choice")
    picked = [q["id"] for q in listing["questions"][:2]]

    open_assignments(driver, server, code)
    wait(driver).until(lambda d: "No assignments yet." in d.find_element(By.CSS_SELECTOR, ".assignments").text)

    click(driver, ".new-assignment-box summary")
    type_into(driver, "#assign-title", "Week 1")
    wait(driver).until(lambda d: d.execute_script("return document.querySelector('#assign-questions').options.length > 2"))
    driver.execute_script(SELECT, "#assign-questions", picked)
    opens, due = datetime.now() - timedelta(hours=1), datetime.now() + timedelta(days=2)
    driver.execute_script(SET_VALUE, "#assign-opens", opens.strftime("%Y-%m-%dT%H:%M"))
    driver.execute_script(SET_VALUE, "#assign-due", due.strftime("%Y-%m-%dT%H:%M"))
    type_into(driver, "#assign-max", "3")
    assert unlabelled_controls(driver) == []
    click(driver, "form.new-assignment button[type=submit]")
    wait(driver).until(lambda d: d.find_elements(By.ID, "assignment-made"))
    read(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#assignments-table tr[data-assignment='Week 1']"))

    _, listed = http(server, "GET", f"/api/v1/classes/{code}/assignments", token=TEACHER_TOKEN)
    [assignment] = listed["assignments"]
    assert assignment["questions"] == picked and assignment["max_attempts"] == 3
    assert assignment["key"] == "after_due" and assignment["counts"] == "best"
    sent = datetime.fromisoformat(assignment["due_at"])
    assert sent.utcoffset() is not None and sent.replace(tzinfo=None) == due.replace(second=0, microsecond=0)

    # A student answers one question; the results show their counted score.
    status, ada = http(server, "POST", "/api/v1/students", {"name": "Ada Assign", "class": code})
    assert status == 201
    bank = json.loads((REPO / "questions.json").read_text())["questions"]
    right = next(c["id"] for q in bank if q["id"] == picked[0] for c in q["choices"] if c["correct"])
    status, result = http(server, "POST", f"/api/v1/questions/{picked[0]}/attempts", {"choices": [right]},
                          token=ada["token"])
    assert status == 200 and result["verdict"] == "passed"
    assert "feedback" not in result        # the key is kept back until the due time
    click(driver, "#assignments-table button.results-button")
    cell = read(driver, lambda d: d.find_element(
        By.CSS_SELECTOR, f"#assignment-results-table tr[data-student='Ada Assign'] td[data-q='{picked[0]}']").text)
    assert cell.startswith("1")
    assert driver.execute_script(LOW_CONTRAST_JS, f".teacher-page :is({READABLE})") == []
    shot(driver, "teacher-assignments.png")

    # The student's class page lists it, open, with one of two questions done.
    go(driver, server, f"/class/{code}")
    type_into(driver, "#join-name", "Bob Assign")
    click(driver, "form.join button[type=submit]")
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".assignment-list li[data-assignment='Week 1']"))
    item = driver.find_element(By.CSS_SELECTOR, ".assignment-list li[data-assignment='Week 1']")
    assert item.get_attribute("data-state") == "open" and "0 of 2 done" in item.text
    driver.execute_script("localStorage.clear()")


def test_a_timed_assignment_is_made_on_the_form_started_by_the_student_and_counts_down_as_text(server, driver):
    """The teacher's form takes a time limit; the student starts the assignment with its button and sees the time
    left as text that changes every second, while the polite announcement stays silent between its thresholds."""
    from test_study import axe_check
    status, made = http(server, "POST", "/api/v1/classes", {"name": "Timed UI"}, token=TEACHER_TOKEN)
    assert status == 201, made
    code = made["code"]
    _, listing = http(server, "GET", "/api/v1/questions?kind=single_choice")
    picked = [listing["questions"][0]["id"]]

    open_assignments(driver, server, code)
    wait(driver).until(lambda d: "No assignments yet." in d.find_element(By.CSS_SELECTOR, ".assignments").text)
    click(driver, ".new-assignment-box summary")
    type_into(driver, "#assign-title", "Quiz 20")
    wait(driver).until(lambda d: d.execute_script("return document.querySelector('#assign-questions').options.length > 2"))
    driver.execute_script(SELECT, "#assign-questions", picked)
    opens, due = datetime.now() - timedelta(hours=1), datetime.now() + timedelta(days=1)
    driver.execute_script(SET_VALUE, "#assign-opens", opens.strftime("%Y-%m-%dT%H:%M"))
    driver.execute_script(SET_VALUE, "#assign-due", due.strftime("%Y-%m-%dT%H:%M"))
    type_into(driver, "#assign-limit", "20")
    assert unlabelled_controls(driver) == []
    click(driver, "form.new-assignment button[type=submit]")
    row = read(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#assignments-table tr[data-assignment='Quiz 20']").text)
    assert "20 min from first opening" in row
    _, listed = http(server, "GET", f"/api/v1/classes/{code}/assignments", token=TEACHER_TOKEN)
    [assignment] = listed["assignments"]
    assert assignment["time_limit_minutes"] == 20

    go(driver, server, f"/class/{code}")
    type_into(driver, "#join-name", "Tim Ed")
    click(driver, "form.join button[type=submit]")
    item = "li[data-assignment='Quiz 20']"
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, f"{item} button.start-assignment"))
    assert "20 min from when you start" in text(driver, item)
    assert axe_check(driver, "light", "/class timed, not started") == []
    click(driver, f"{item} button.start-assignment")
    clock = f"{item} .time-left"
    first = text(driver, clock)
    assert first.startswith("Time left: 19 min") or first.startswith("Time left: 20 min 00 s"), first
    # The clock moves (waited on, not slept), and the announcer says nothing between thresholds.
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, clock).text != first)
    assert driver.find_element(By.CSS_SELECTOR, f"{item} .time-left").get_attribute("aria-live") == "off"
    announcer = driver.find_element(By.CSS_SELECTOR, f"{item} .time-left-announcement")
    assert announcer.get_attribute("aria-live") == "polite" and announcer.get_attribute("textContent") == ""
    assert axe_check(driver, "light", "/class timed, started") == []
    # The server agrees: one start, ending 20 minutes later; a reload shows the same end.
    token = driver.execute_script("return JSON.parse(localStorage.getItem('asyncquiz.student')).token")
    _, mine = http(server, "GET", "/api/v1/me/assignments", token=token)
    [entry] = mine["assignments"]
    ends = datetime.fromisoformat(entry["ends_at"].replace("Z", "+00:00"))
    began = datetime.fromisoformat(entry["started_at"].replace("Z", "+00:00"))
    assert ends - began == timedelta(minutes=20)
    driver.refresh()
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, clock))
    assert not driver.find_elements(By.CSS_SELECTOR, f"{item} button.start-assignment")
    shot(driver, "student-timed-assignment.png")
    driver.execute_script("localStorage.clear()")


def test_the_teacher_moves_a_due_time_and_deletes_an_assignment_on_the_page(server, driver):
    status, made = http(server, "POST", "/api/v1/classes", {"name": "Edits UI"}, token=TEACHER_TOKEN)
    assert status == 201, made
    code = made["code"]
    _, listing = http(server, "GET", "/api/v1/questions?kind=single_choice")
    question = listing["questions"][0]["id"]
    past = lambda hours: (datetime.now().astimezone() + timedelta(hours=hours)).isoformat(timespec="seconds")  # noqa: E731
    status, week = http(server, "POST", f"/api/v1/classes/{code}/assignments",
                        {"title": "Week E", "questions": [question], "opens_at": past(-2), "due_at": past(-1)},
                        token=TEACHER_TOKEN)
    assert status == 201, week
    status, ada = http(server, "POST", "/api/v1/students", {"name": "Ada Edit", "class": code})
    bank = json.loads((REPO / "questions.json").read_text())["questions"]
    right = next(c["id"] for q in bank if q["id"] == question for c in q["choices"] if c["correct"])
    status, _ = http(server, "POST", f"/api/v1/questions/{question}/attempts", {"choices": [right]}, token=ada["token"])
    assert status == 200

    def late():
        _, report = http(server, "GET", f"/api/v1/classes/{code}/assignments/{week['id']}/results", token=TEACHER_TOKEN)
        return report["students"][0]["results"][question]["late"]
    assert late() is True

    open_assignments(driver, server, code)
    click(driver, "#assignments-table tr[data-assignment='Week E'] button.edit-assignment")
    # The form holds the assignment's terms, in this browser's time zone, and saying so is in the page.
    assert driver.find_element(By.ID, "assign-title").get_attribute("value") == "Week E"
    assert driver.switch_to.active_element.get_attribute("id") == "assign-title"
    selected = driver.execute_script("return [...document.querySelector('#assign-questions').selectedOptions].map(o => o.value)")
    assert selected == [question]
    later = datetime.now() + timedelta(days=1)
    driver.execute_script(SET_VALUE, "#assign-due", later.strftime("%Y-%m-%dT%H:%M:%S"))
    submit = driver.find_element(By.CSS_SELECTOR, "form.new-assignment button[type=submit]")
    assert submit.text == "Save changes to Week E"
    submit.click()
    wait(driver).until(lambda d: "saved" in d.find_element(By.ID, "assignment-made").text)
    _, listed = http(server, "GET", f"/api/v1/classes/{code}/assignments", token=TEACHER_TOKEN)
    [changed] = listed["assignments"]
    assert changed["id"] == week["id"]
    assert datetime.fromisoformat(changed["due_at"]).replace(tzinfo=None) == later.replace(microsecond=0)
    assert late() is False, "the attempt made before the new due time is on time now"
    assert unlabelled_controls(driver) == []

    # Deleting asks first; the attempt stays in the class's results.
    click(driver, "#assignments-table tr[data-assignment='Week E'] button.delete-assignment")
    wait(driver).until(lambda d: d.switch_to.alert)
    assert "attempts stay" in driver.switch_to.alert.text
    driver.switch_to.alert.accept()
    wait(driver).until(lambda d: "No assignments yet." in d.find_element(By.CSS_SELECTOR, ".assignments").text)
    _, results = http(server, "GET", f"/api/v1/classes/{code}/results", token=TEACHER_TOKEN)
    assert results["students"][0]["results"][question]["attempts"] == 1
