"""Signing in with a password on the teacher's page, in headless Chromium against the real server: a teacher sets a
name and password with their token, signs in on a fresh tab, and the page works on the HttpOnly cookie alone (no
script can read it); signing out ends the session on the server too."""
from selenium.webdriver.common.by import By  # noqa: E402

from test_ui import (  # noqa: E402,F401  (fixtures are found by name)
    driver, server, go, wait, read, text, click, type_into, http, settled, unlabelled_controls, TEACHER_TOKEN,
)


def all_cookies(driver):
    """Every cookie the browser keeps (the session's Path is /api/, so the page at / does not see it)."""
    return driver.execute_cdp_cmd("Network.getAllCookies", {})["cookies"]


def fresh_tab(driver, server):
    """The teacher's page as a new tab sees it: nothing in sessionStorage."""
    go(driver, server, "/topics")
    driver.execute_script("sessionStorage.clear()")
    go(driver, server, "/teacher")


def test_a_teacher_sets_a_password_signs_in_and_out(server, driver):
    status, ada = http(server, "POST", "/api/v1/teachers", {"name": "Ada Signin"}, token=TEACHER_TOKEN)
    assert status == 201, ada
    status, mine = http(server, "POST", "/api/v1/classes", {"name": "Ada's class"}, token=ada["token"])
    assert status == 201

    fresh_tab(driver, server)
    type_into(driver, "#teacher-token", ada["token"])
    click(driver, "form button[type=submit]")
    settled(driver)
    click(driver, ".password-box summary")
    type_into(driver, "#set-login", "ada.signin")
    type_into(driver, "#set-password", "correct horse battery")
    click(driver, "form.set-password button[type=submit]")
    assert "sign in as ada.signin" in text(driver, "#password-saved")

    # A fresh tab's state: no token; sign in with the password.
    fresh_tab(driver, server)
    assert unlabelled_controls(driver) == []
    type_into(driver, "#signin-login", "ada.signin")
    type_into(driver, "#signin-password", "wrong password!")
    click(driver, "form.signin button[type=submit]")
    assert "Wrong sign-in name or password" in text(driver, "form.signin .alert")
    type_into(driver, "#signin-password", "correct horse battery")
    click(driver, "form.signin button[type=submit]")
    assert "Signed in as Ada Signin" in text(driver, "#signed-in")
    assert driver.execute_script("return document.cookie") == ""          # HttpOnly: invisible to scripts
    assert not driver.execute_script("return sessionStorage.getItem('asyncquiz.teacher')")
    # The page's API calls ride on the cookie: the teacher's results load without a token.
    type_into(driver, "#results-code", mine["code"])
    click(driver, "#results-h ~ form button[type=submit]")
    settled(driver)
    wait(driver).until(lambda d: "No students have joined yet." in d.find_element(By.CSS_SELECTOR, ".results").text)
    [cookie] = [c for c in all_cookies(driver) if c["name"] == "quiz_session"]
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict" and cookie["path"] == "/api/"
    req_ok = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch('/api/v1/classes').then(r => r.json().then(j => done([r.status, j])), e => done(['ERR', String(e)]));")
    assert req_ok[0] == 200 and [c["code"] for c in req_ok[1]["classes"]] == [mine["code"]]

    click(driver, "#signed-in button")
    wait(driver).until(lambda d: d.find_elements(By.ID, "signin-login"))
    after = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch('/api/v1/classes').then(r => done(r.status), e => done(String(e)));")
    assert after == 401
    assert [c for c in all_cookies(driver) if c["name"] == "quiz_session"] == []
