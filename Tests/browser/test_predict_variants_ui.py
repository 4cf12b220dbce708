"""A predict-output question with variants, in headless Chromium against the real server (issue 17, "fresh
variants"): a student in a class sees the program served to them (the variant the server picks from their id, the
question and their attempts), answers with a classmate's key for another variant and is told it is wrong, beside
their own variant's real output; "Try again", from the keyboard, shows the program for the next attempt, and its key
passes. The teacher then reads each attempt beside the program it answered. axe finds nothing serious."""
import json

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

from test_ui import (  # noqa: E402,F401  (fixtures are found by name)
    driver, server, go, wait, read, text, click, type_into, http, settled, shot, REPO, TEACHER_TOKEN,
)
from test_study import axe_check  # noqa: E402

QUESTION = "nested-await-chain"


def bank_question():
    with open(REPO / "questions.json", encoding="utf-8") as f:
        [q] = [q for q in json.load(f)["questions"] if q["id"] == QUESTION]
    assert len(q.get("variants") or []) >= 3, f"{QUESTION} has no variants"
    return q


def pick(student_id, attempts, count):
    """The server's pick (VariantAssignment.pick): FNV-1a 64 of `id NUL question NUL attempts`, modulo count."""
    h = 0xcbf29ce484222325
    for byte in f"{student_id}\0{QUESTION}\0{attempts}".encode():
        h = ((h ^ byte) * 0x100000001b3) % (1 << 64)
    return h % count


def shown_program(d):
    return read(d, lambda x: x.execute_script(
        "const c = document.querySelector('form.answer.predict pre.program code'); return c && c.textContent"))


def set_answer(d, value):
    area = f"#out-{QUESTION}"
    d.execute_script("const a = document.querySelector(arguments[0]); a.value = arguments[1];"
                     "a.dispatchEvent(new Event('input', {bubbles: true}))", area, value)


def test_a_student_answers_their_variant_and_tries_again_on_another(server, driver):
    q = bank_question()
    variants, n = q["variants"], len(q["variants"])
    status, made = http(server, "POST", "/api/v1/classes", {"name": "Variants UI"}, token=TEACHER_TOKEN)
    assert status == 201, made
    code = made["code"]
    status, ada = http(server, "POST", "/api/v1/students", {"name": "Ada Variants", "class": code})
    assert status == 201, ada
    first, second = pick(ada["id"], 0, n), pick(ada["id"], 1, n)

    go(driver, server, "/topics")
    driver.execute_script("localStorage.setItem('asyncquiz.student', JSON.stringify(arguments[0]))",
                          {"token": ada["token"], "name": "Ada Variants", "class": code, "id": ada["id"]})
    go(driver, server, f"/q/{QUESTION}")
    assert shown_program(driver).rstrip("\n") == variants[first]["code"].rstrip("\n")
    assert f"Variant {first + 1} of {n}" in text(driver, "form.answer.predict .code-caption")

    # A classmate's key for another variant: wrong, and the real output shown is this variant's.
    copied = variants[(first + 1) % n]["answer"]
    set_answer(driver, copied)
    click(driver, "form.answer button[type=submit]")
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, "section.result.verdict-failed"))
    real = driver.execute_script(
        "const pre = document.querySelectorAll('.compare pre.output')[1].cloneNode(true);"
        "pre.querySelectorAll('.sr-only').forEach(e => e.remove()); return pre.textContent")
    assert real.rstrip("\n") == variants[first]["answer"].rstrip("\n")
    assert axe_check(driver, "light", "predict-output variant, failed") == []
    driver.execute_script("document.querySelector('form.answer.predict .code-caption').scrollIntoView({block: 'start'})")
    shot(driver, "predict-variant.png")

    # "Try again" from the keyboard: the program for the next attempt, an empty answer box with the focus.
    button = read(driver, lambda d: d.find_element(By.CSS_SELECTOR, "section.result .try-again-button"))
    driver.execute_script("arguments[0].focus()", button)
    button.send_keys(Keys.ENTER)
    wait(driver).until(lambda d: not d.find_elements(By.CSS_SELECTOR, "section.result"))
    wait(driver).until(lambda d: shown_program(d).rstrip("\n") == variants[second]["code"].rstrip("\n"))
    assert f"Variant {second + 1} of {n}" in text(driver, "form.answer.predict .code-caption")
    assert driver.execute_script("return document.activeElement.id") == f"out-{QUESTION}"
    assert driver.execute_script("return document.activeElement.value") == ""
    announced = text(driver, f"#out-{QUESTION}-hint")
    assert ("A new program" in announced) == (first != second), announced

    set_answer(driver, variants[second]["answer"])
    driver.find_element(By.ID, f"out-{QUESTION}").send_keys(Keys.CONTROL, Keys.ENTER)
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, "section.result.verdict-passed"))
    assert not driver.find_elements(By.CSS_SELECTOR, "section.result .try-again-button")
    assert axe_check(driver, "light", "predict-output variant, passed") == []

    status, made = http(server, "GET", f"/api/v1/classes/{code}/students/{ada['id']}/attempts?question={QUESTION}",
                        token=TEACHER_TOKEN)
    assert status == 200, made
    assert [a["answer"].get("variant") for a in made["attempts"]] == [second, first], made

    # The teacher reads each attempt beside the program it answered.
    driver.execute_script("localStorage.clear()")
    go(driver, server, "/teacher")
    if driver.find_elements(By.ID, "teacher-token"):
        type_into(driver, "#teacher-token", TEACHER_TOKEN)
        click(driver, "form button[type=submit]")
    settled(driver)
    type_into(driver, "#results-code", code)
    click(driver, "#results-h ~ form button[type=submit]")
    settled(driver)
    click(driver, f"#results-table tr[data-student='Ada Variants'] td[data-q='{QUESTION}'] button.cell-open")
    wait(driver).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#attempts-dialog .attempt")) == 2)
    settled(driver)
    newest, oldest = driver.find_elements(By.CSS_SELECTOR, "#attempts-dialog .attempt")
    for item, variant in ((newest, second), (oldest, first)):
        assert f"The program it answered (variant {variant + 1})" in item.text
        program = driver.execute_script("return arguments[0].querySelector('pre.code code').textContent", item)
        assert program.rstrip("\n") == variants[variant]["code"].rstrip("\n")
    assert axe_check(driver, "light", "teacher attempts dialog, variants") == []
    driver.find_element(By.ID, "attempts-dialog").send_keys(Keys.ESCAPE)


def test_an_anonymous_visitor_answers_the_variant_on_show(server, driver):
    q = bank_question()
    go(driver, server, "/topics")
    driver.execute_script("localStorage.clear()")
    go(driver, server, f"/q/{QUESTION}")
    shown = shown_program(driver).rstrip("\n")
    [variant] = [i for i, v in enumerate(q["variants"]) if v["code"].rstrip("\n") == shown]
    assert driver.execute_script("return document.querySelector('form.answer.predict').dataset.variant") == str(variant)
    set_answer(driver, q["variants"][variant]["answer"])
    click(driver, "form.answer button[type=submit]")
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, "section.result.verdict-passed"))


def test_a_wrong_answer_and_try_again_are_clean_for_axe_in_every_mode(server, driver):
    from test_study import MODES, settle_view
    from test_ui import WIDTH, HEIGHT
    go(driver, server, "/topics")
    driver.execute_script("localStorage.clear()")
    problems = []
    try:
        for mode, (metrics, scheme) in MODES.items():
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
            driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                                   {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
            go(driver, server, f"/q/{QUESTION}")
            set_answer(driver, "not this")
            click(driver, "form.answer button[type=submit]")
            wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, "section.result .try-again-button"))
            settle_view(driver)
            problems.extend((mode, *p) for p in axe_check(driver, mode, f"/q/{QUESTION} variant, failed"))
            # the page keeps to the screen's width (marked output lines once sat side by side and widened it)
            wide = driver.execute_script("return document.documentElement.scrollWidth")
            assert wide <= metrics["width"], (mode, wide)
            click(driver, "section.result .try-again-button")
            wait(driver).until(lambda d: not d.find_elements(By.CSS_SELECTOR, "section.result"))
            settle_view(driver)
            problems.extend((mode, *p) for p in axe_check(driver, mode, f"/q/{QUESTION} variant, again"))
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False})
    assert not problems, problems
