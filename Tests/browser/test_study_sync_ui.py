"""A student's study record moves to the server when they join a class, in headless Chromium against the real
server: what they studied alone is handed over once, each answer afterwards reaches the server with its FSRS card,
and a browser that has nothing of its own (another device) gets the schedule back from the server."""
import json
import time

from selenium.webdriver.common.by import By  # noqa: E402

from test_ui import (  # noqa: E402,F401  (fixtures are found by name)
    driver, server, go, wait, read, text, click, type_into, http, settled, first_question, TEACHER_TOKEN,
)


def server_record(server, token):
    status, record = http(server, "GET", "/api/v1/me/study", token=token)
    assert status == 200, record
    return record


def wait_for_server(server, token, condition, timeout=20):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        record = server_record(server, token)
        if condition(record):
            return record
        time.sleep(0.1)
    raise AssertionError("the server's study record never met the condition: %s" % json.dumps(record)[:500])


def answer_choice(driver, server, q):
    go(driver, server, f"/q/{q['id']}")
    click(driver, "form.answer input[type=radio]")
    click(driver, "form.answer button[type=submit]")
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".result"))


def test_the_study_record_moves_to_the_server_and_follows_the_student(server, driver):
    alone, later = first_question(server, "single_choice"), None
    status, listed = http(server, "GET", "/api/v1/questions")
    later = next(q for q in listed["questions"] if q["kind"] == "single_choice" and q["id"] != alone["id"])
    go(driver, server, "/topics")
    driver.execute_script("localStorage.clear()")
    # Studying alone: one answer, kept in this browser only.
    answer_choice(driver, server, alone)
    local = driver.execute_script("return JSON.parse(localStorage.getItem('asyncquiz.study'))")
    assert list(local["cards"]) == [alone["id"]] and local["handed_over"] is None

    # Joining a class hands the record over, once.
    status, made = http(server, "POST", "/api/v1/classes", {"name": "Sync"}, token=TEACHER_TOKEN)
    assert status == 201
    go(driver, server, f"/class/{made['code']}")
    type_into(driver, "#join-name", "Ada Sync")
    click(driver, "form.join button[type=submit]")
    wait(driver).until(lambda d: "Recording to class" in d.find_element(By.ID, "recording").text)
    token = driver.execute_script("return JSON.parse(localStorage.getItem('asyncquiz.student')).token")
    record = wait_for_server(server, token, lambda r: r["handed_over_at"] is not None)
    assert list(record["cards"]) == [alone["id"]]
    assert record["cards"][alone["id"]] == local["cards"][alone["id"]]
    assert [a["question"] for a in record["attempts"]] == [alone["id"]]
    assert http(server, "POST", "/api/v1/me/study/handover", {"cards": {}, "attempts": []}, token=token)[0] == 409

    # An answer in the class reaches the server with its card.
    answer_choice(driver, server, later)
    record = wait_for_server(server, token, lambda r: later["id"] in r["cards"])
    assert [a["question"] for a in record["attempts"]] == [alone["id"], later["id"]]

    # Another device: nothing of its own, the same student's token; the schedule comes back from the server.
    driver.execute_script("localStorage.removeItem('asyncquiz.study')")
    driver.refresh()
    wait(driver).until(lambda d: d.execute_script(
        "const v = JSON.parse(localStorage.getItem('asyncquiz.study') || 'null');"
        "return !!v && Object.keys(v.cards).length === 2"))
    go(driver, server, "/review")
    settled(driver)
    shown = text(driver, "main")
    assert alone["title"].replace("`", "")[:20] in shown.replace("`", "") or "due" in shown
    driver.execute_script("localStorage.clear()")
