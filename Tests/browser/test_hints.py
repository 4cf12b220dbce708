"""Hints in the real browser, against the real server: a question with hints offers them one at a time, on request
and after a failed answer; each one comes from GET /api/v1/questions/{id}/hints/{n} and takes the focus; the answer
after a hint is recorded with the hints taken (its FSRS rating drops a step); a question without hints shows none."""

import json

from selenium.webdriver.common.by import By

from test_ui import (  # noqa: F401  (fixtures are found by name)
    driver, go, wait, click, http, serving, settled, REPO,
)

HINTS = ["Think about which option keeps the **loop** free.", "Look for the one that uses `await`."]


def hinted_bank(data_dir):
    bank = json.loads((REPO / "questions.json").read_text())
    bank["questions"] = [q for q in bank["questions"] if q["kind"] != "code" or q["id"] == "code-fetch-all"]
    q = next(q for q in bank["questions"] if q["kind"] == "single_choice")
    q["hints"] = HINTS
    path = f"{data_dir}/hinted.json"
    with open(path, "w") as f:
        json.dump(bank, f)
    return path


def test_hints_one_at_a_time_on_request_and_after_a_failed_answer(driver):
    bank = json.loads((REPO / "questions.json").read_text())
    q = next(x for x in bank["questions"] if x["kind"] == "single_choice")
    wrong = next(c["id"] for c in q["choices"] if not c["correct"])
    plain = next(x for x in bank["questions"] if x["kind"] == "single_choice" and x["id"] != q["id"] and not x.get("hints"))
    with serving(questions=hinted_bank) as base:
        # the API: the count in the question, each hint by number, a precise 404 past the last
        status, served = http(base, "GET", f"/api/v1/questions/{q['id']}")
        assert status == 200 and served["hint_count"] == 2 and "hints" not in served
        status, body = http(base, "GET", f"/api/v1/questions/{q['id']}/hints/2")
        assert status == 200 and body == {"question": q["id"], "n": 2, "of": 2, "hint": HINTS[1]}
        for n in ("0", "3", "x"):
            status, body = http(base, "GET", f"/api/v1/questions/{q['id']}/hints/{n}")
            assert status == 404 and body["detail"] == f'Question "{q["id"]}" has hints 1 to 2.', (n, body)
        status, body = http(base, "GET", f"/api/v1/questions/{plain['id']}/hints/1")
        assert status == 404 and body["detail"] == f'Question "{plain["id"]}" has no hints.'

        go(driver, base, f"/q/{plain['id']}")
        assert not driver.find_elements(By.CSS_SELECTOR, "section.hints")

        go(driver, base, f"/q/{q['id']}")
        button = driver.find_element(By.CSS_SELECTOR, "section.hints .hint-button")
        assert button.text == "Show a hint (2 in all)"
        click(driver, "section.hints .hint-button")
        wait(driver).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".hint-list li")) == 1)
        first = driver.find_element(By.CSS_SELECTOR, ".hint-list li")
        assert "keeps the loop free" in first.text and first.find_element(By.CSS_SELECTOR, "strong").text == "loop"
        assert driver.execute_script("return document.activeElement === arguments[0]", first)
        assert driver.find_element(By.CSS_SELECTOR, "section.hints .hint-button").text == "Show hint 2 of 2"

        # a wrong answer: the result offers the next hint
        click(driver, f"input[value='{wrong}']")
        click(driver, "form.answer button[type=submit]")
        wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".result .stuck .hint-button"))
        settled(driver)
        attempts = driver.execute_script("return JSON.parse(localStorage.getItem('asyncquiz.study')).attempts")
        assert attempts[-1]["question"] == q["id"] and attempts[-1]["hints"] == 1, attempts[-1]
        click(driver, ".result .stuck .hint-button")
        wait(driver).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".hint-list li")) == 2)
        assert "`await`" not in driver.find_elements(By.CSS_SELECTOR, ".hint-list li")[1].text
        assert not driver.find_elements(By.CSS_SELECTOR, "section.hints .hint-button")
