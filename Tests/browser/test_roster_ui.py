"""The roster on the teacher's page, in headless Chromium against the real server: removing a student (their token
stops working), a one-time code they redeem on the Class page, adding a student by name, approving one who waits.
Every step is checked through the API as well as on the page."""
from selenium.webdriver.common.by import By  # noqa: E402

from test_ui import (  # noqa: E402,F401  (fixtures are found by name)
    driver, server, go, wait, read, text, click, type_into, http, settled, shot, unlabelled_controls,
    LOW_CONTRAST_JS, READABLE, TEACHER_TOKEN,
)


def row(name):
    return f"#roster-table tr[data-student='{name}']"


def state(d, name):
    return read(d, lambda x: x.find_element(By.CSS_SELECTOR, row(name)).get_attribute("data-state"))


def test_the_teacher_removes_readmits_adds_and_approves_students(server, driver):
    status, made = http(server, "POST", "/api/v1/classes", {"name": "Roster UI"}, token=TEACHER_TOKEN)
    assert status == 201, made
    code = made["code"]
    status, bob = http(server, "POST", "/api/v1/students", {"name": "Bob Roster", "class": code})
    assert status == 201, bob
    assert http(server, "POST", "/api/v1/students", {"name": "Ada Roster", "class": code})[0] == 201

    go(driver, server, "/teacher")
    if driver.find_elements(By.ID, "teacher-token"):
        type_into(driver, "#teacher-token", TEACHER_TOKEN)
        click(driver, "form button[type=submit]")
    settled(driver)
    type_into(driver, "#roster-code", code)
    click(driver, "#roster-h ~ form button[type=submit]")
    settled(driver)
    assert state(driver, "Ada Roster") == "in the class" and state(driver, "Bob Roster") == "in the class"
    assert unlabelled_controls(driver) == []

    # Remove Bob: the page says so, and his token is refused.
    driver.execute_script("window.confirm = () => true")
    click(driver, f"{row('Bob Roster')} button.remove")
    wait(driver).until(lambda d: state(d, "Bob Roster") == "removed")
    assert http(server, "GET", "/api/v1/me/attempts", token=bob["token"])[0] == 401
    assert not driver.find_elements(By.CSS_SELECTOR, f"{row('Bob Roster')} button.remove")

    # A one-time code for Bob, shown in his row; redeemed on the Class page, he is back.
    click(driver, f"{row('Bob Roster')} button.readmit")
    readmit = read(driver, lambda d: d.find_element(By.CSS_SELECTOR, f"{row('Bob Roster')} .readmit-code strong").text
                   or None)
    assert len(readmit) == 11 and readmit[5] == "-"
    assert driver.execute_script(LOW_CONTRAST_JS, f".teacher-page :is({READABLE})") == []
    shot(driver, "teacher-roster.png")
    go(driver, server, "/class")
    type_into(driver, "#readmit-code", readmit.lower())
    click(driver, "form.readmit button[type=submit]")
    wait(driver).until(lambda d: "Recording to class" in d.find_element(By.ID, "recording").text)
    assert f"Recording to class {code} as Bob Roster" in text(driver, "#recording")
    _, roster = http(server, "GET", f"/api/v1/classes/{code}/students", token=TEACHER_TOKEN)
    assert {"id": bob["id"], "name": "Bob Roster", "removed": False, "pending": False} in roster["students"]
    driver.execute_script("localStorage.clear()")  # the next steps are the teacher's

    # Add a student by name: their code is shown; on approval, a waiting student gets an Approve button.
    assert http(server, "PATCH", f"/api/v1/classes/{code}", {"joining": "approval"}, token=TEACHER_TOKEN)[0] == 200
    status, dan = http(server, "POST", "/api/v1/students", {"name": "Dan Waiting", "class": code})
    assert status == 201 and dan["status"] == "pending"
    go(driver, server, "/teacher")
    settled(driver)
    type_into(driver, "#roster-code", code)
    type_into(driver, "#roster-add-name", "Cleo Added")
    click(driver, "form.add-student button[type=submit]")
    added = read(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#roster-added strong").text or None)
    assert state(driver, "Cleo Added") == "in the class"
    assert http(server, "POST", "/api/v1/students/readmit", {"code": added})[0] == 200
    assert state(driver, "Dan Waiting") == "waiting for approval"
    assert http(server, "GET", "/api/v1/me/attempts", token=dan["token"])[0] == 403
    click(driver, f"{row('Dan Waiting')} button.approve")
    wait(driver).until(lambda d: state(d, "Dan Waiting") == "in the class")
    assert http(server, "GET", "/api/v1/me/attempts", token=dan["token"])[0] == 200

    # Rename Ada in place; a name another student has is refused with a note, and nothing changes.
    click(driver, f"{row('Ada Roster')} button.rename")
    type_into(driver, f"{row('Ada Roster')} input.rename-input", "Bob Roster")
    click(driver, f"{row('Ada Roster')} form.rename-form button[type=submit]")
    wait(driver).until(lambda d: "has that name" in d.find_element(By.CSS_SELECTOR, ".rename-note").text)
    type_into(driver, f"{row('Ada Roster')} input.rename-input", "Ada Lovelace")
    click(driver, f"{row('Ada Roster')} form.rename-form button[type=submit]")
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, row("Ada Lovelace")))
    assert state(driver, "Ada Lovelace") == "in the class"
    _, roster = http(server, "GET", f"/api/v1/classes/{code}/students", token=TEACHER_TOKEN)
    assert "Ada Lovelace" in [s["name"] for s in roster["students"]]
    assert unlabelled_controls(driver) == []
