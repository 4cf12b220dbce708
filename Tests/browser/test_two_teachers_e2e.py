"""Issue 15's "done when", end to end in headless Chromium against the real server on one SQLite file, which is
killed with SIGKILL at several points and started again on the same file and port.

Two teachers on one server each run their own class through a whole assignment in the browser: create the class,
share it (Ada shares hers with Ben), students join (Rosa into Ben's roster-only class with the code Ben hands her),
one student re-admitted with a one-time code, submissions up to the attempt limit (the next one refused), the key
held back until the due time, late work after it, and the teacher opening a student's code and timeline.

The API is used only for what has no page (the administrator making the two teachers' accounts) and to check what
the server kept: after every restart, everything the server answered before the kill is still there, and each
attempt the browser was answered for (a result shown) is present exactly once. The due time passes during the test:
the assignments are due some seconds ahead and the test waits on the server's own view of them (closed), never a
blind sleep."""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402

from test_ui import (  # noqa: E402,F401  (fixtures are found by name)
    driver, go, wait, read, text, click, type_into, http, settled, shot, set_code, unlabelled_controls, free_port,
    GRADE_TIMEOUT, REPO, SERVER_BIN, TEACHER_TOKEN,
)
from test_study import axe_check  # noqa: E402

# Seconds from making the assignments to their due time: the on-time work below fits well within it (some 6 s on a
# machine shared by four builds); the test then waits for the server to say the assignments are closed. Each on-time
# step first checks that the server still has them open, so running late fails plainly, not mysteriously.
DUE_IN = 25
CODE_QUESTION = "code-fetch-all"
SET_VALUE = ("const e = document.querySelector(arguments[0]); e.value = arguments[1];"
             "e.dispatchEvent(new Event('input', {bubbles: true})); e.dispatchEvent(new Event('change', {bubbles: true}));")
SELECT = ("const s = document.querySelector(arguments[0]);"
          "for (const o of s.options) o.selected = arguments[1].includes(o.value);")


def choice_question():
    """The first single-choice question of the built-in bank, with a right and a wrong choice."""
    bank = json.loads((REPO / "questions.json").read_text())["questions"]
    q = next(q for q in bank if q["kind"] == "single_choice")
    return (q["id"], next(c["id"] for c in q["choices"] if c["correct"]),
            next(c["id"] for c in q["choices"] if not c["correct"]))


def code_source(*parts):
    return (REPO / "bank" / "builtin" / CODE_QUESTION / Path(*parts)).read_text()


class KillableServer:
    """`QuizServer serve` on a fixed port and data dir, so that after SIGKILL it comes back at the same origin (the
    browser's stored student token and tab-scoped teacher token stay valid) on the same SQLite file."""

    def __init__(self):
        if not os.path.exists(SERVER_BIN):
            pytest.fail(f"no server binary at {SERVER_BIN}: run `swift build` first or set QUIZ_SERVER_BIN")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.data_dir = tempfile.mkdtemp(prefix="quiz-e2e-")
        self.proc = None
        self.kills = 0
        self.log = open(os.path.join(self.data_dir, "server.log"), "ab")

    def start(self):
        args = [SERVER_BIN, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--data-dir", self.data_dir]
        env = dict(os.environ, QUIZ_TEACHER_TOKEN=TEACHER_TOKEN)
        self.proc = subprocess.Popen(args, cwd=REPO, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while True:     # wait on the server's own answer, polling
            if self.proc.poll() is not None:
                pytest.fail("the server exited at start-up:\n" + self.log_tail())
            try:
                if http(self.base, "GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("the server did not answer /healthz within 30 s:\n" + self.log_tail())
            time.sleep(0.05)

    def kill9(self):
        """SIGKILL: no clean shutdown, nothing flushed beyond what each answer already committed."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        assert self.proc.returncode == -signal.SIGKILL
        self.kills += 1

    def log_tail(self):
        self.log.flush()
        return Path(self.data_dir, "server.log").read_text(errors="replace")[-3000:]

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.data_dir, ignore_errors=True)


class Ledger:
    """What the server answered for, to be found again after every kill: classes, students, assignments, and each
    attempt the browser showed a result for (so the server answered 200), counted per student and question."""

    def __init__(self):
        self.classes = {}                  # code -> name
        self.students = {}                 # code -> set of names
        self.assignments = {}              # code -> set of ids
        self.attempts = Counter()          # (code, student name, question) -> answered attempts
        self.late = Counter()              # (code, student name, question) -> of those, made after the due time
        self.in_flight = Counter()         # attempts cut off by a kill: no answer, so recorded once or not at all

    def verify(self, base):
        for code, name in self.classes.items():
            status, export = http(base, "GET", f"/api/v1/classes/{code}/export", token=TEACHER_TOKEN)
            assert status == 200, export
            assert export["class"]["name"] == name
            assert {s["name"] for s in export["students"]} == self.students.get(code, set())
            assert {a["id"] for a in export["assignments"]} == self.assignments.get(code, set())
            names = {s["id"]: s["name"] for s in export["students"]}
            kept = Counter((code, names[a["student"]], a["question"]) for a in export["attempts"])
            late = Counter((code, names[a["student"]], a["question"]) for a in export["attempts"] if a.get("late"))
            for key in {k for k in kept if k[0] == code} | {k for k in self.attempts if k[0] == code}:
                extra = kept[key] - self.attempts[key]
                assert 0 <= extra <= self.in_flight[key], (key, "kept", kept[key], "answered", self.attempts[key])
            assert +late == +Counter({k: v for k, v in self.late.items() if k[0] == code})

    def settle_in_flight(self, base):
        """An attempt cut off by the kill is either recorded once or not at all; from here on it counts as what the
        server kept."""
        for (code, name, question), n in list(self.in_flight.items()):
            status, export = http(base, "GET", f"/api/v1/classes/{code}/export", token=TEACHER_TOKEN)
            assert status == 200
            names = {s["id"]: s["name"] for s in export["students"]}
            kept = sum(1 for a in export["attempts"] if names[a["student"]] == name and a["question"] == question)
            assert self.attempts[(code, name, question)] <= kept <= self.attempts[(code, name, question)] + n
            self.attempts[(code, name, question)] = kept
        self.in_flight.clear()


@pytest.fixture(scope="module")
def killable():
    server = KillableServer()
    server.start()
    yield server
    server.stop()


# ---------------------------------------------------------------- the browser, as each person


def sign_in_teacher(d, base, token):
    """The teacher pastes their token (tab-scoped) on the teacher page; a teacher signed in already signs out."""
    go(d, base, "/teacher")
    if not d.find_elements(By.ID, "teacher-token"):
        click(d, "p.token-line button.link-button")        # "Forget it": the other teacher leaves this tab
        wait(d).until(lambda x: x.find_elements(By.ID, "teacher-token"))
    type_into(d, "#teacher-token", token)
    click(d, "form.card button[type=submit]")
    wait(d).until(lambda x: x.find_elements(By.ID, "create-h"))
    settled(d)


def create_class(d, name):
    type_into(d, "#class-name", name)
    click(d, "#create-h ~ form button[type=submit]")
    return text(d, "#class-code")


def set_joining(d, code, policy):
    type_into(d, "#settings-code", code)
    d.execute_script(SET_VALUE, "#settings-joining", policy)
    click(d, "form.class-joining button[type=submit]")
    wait(d).until(lambda x: x.find_element(By.ID, "joining-saved").get_attribute("data-joining") == policy)


def share_class(d, code, teacher_id):
    type_into(d, "#settings-code", code)
    type_into(d, "#settings-teacher", teacher_id)
    click(d, "form.class-share button[type=submit]")
    wait(d).until(lambda x: x.find_elements(By.ID, "class-shared"))


def show_roster(d, code):
    type_into(d, "#roster-code", code)
    click(d, "#roster-h ~ form button[type=submit]")
    wait(d).until(lambda x: x.find_elements(By.CSS_SELECTOR, "#roster-table"))
    settled(d)


def create_assignment(d, code, title, questions, due, max_attempts):
    type_into(d, "#assign-code", code)
    click(d, "#assignments-h ~ form button[type=submit]")
    settled(d)
    if not d.find_element(By.CSS_SELECTOR, ".new-assignment-box").get_attribute("open"):
        click(d, ".new-assignment-box summary")
    type_into(d, "#assign-title", title)
    wait(d).until(lambda x: x.execute_script(
        "const s = document.querySelector('#assign-questions');"
        "return arguments[0].every(id => [...s.options].some(o => o.value === id))", questions))
    d.execute_script(SELECT, "#assign-questions", questions)
    opens = datetime.now() - timedelta(hours=1)
    d.execute_script(SET_VALUE, "#assign-opens", opens.strftime("%Y-%m-%dT%H:%M:%S"))
    d.execute_script(SET_VALUE, "#assign-due", due.strftime("%Y-%m-%dT%H:%M:%S"))
    type_into(d, "#assign-max", str(max_attempts))
    click(d, "form.new-assignment button[type=submit]")
    wait(d).until(lambda x: title in x.find_element(By.ID, "assignment-made").text)
    read(d, lambda x: x.find_element(By.CSS_SELECTOR, f"#assignments-table tr[data-assignment='{title}']"))


def as_student(d, base, who):
    """This browser becomes that student's device (their token where the page keeps it), or no one's."""
    go(d, base, "/topics")
    if who is None:
        d.execute_script("localStorage.removeItem('asyncquiz.student')")
    else:
        d.execute_script("localStorage.setItem('asyncquiz.student', JSON.stringify(arguments[0]))", who)


def stored_student(d):
    return d.execute_script("return JSON.parse(localStorage.getItem('asyncquiz.student'))")


def join(d, base, code, name):
    as_student(d, base, None)
    go(d, base, f"/class/{code}")
    type_into(d, "#join-name", name)
    click(d, "form.join button[type=submit]")


def joined(d, name):
    wait(d).until(lambda x: x.find_elements(By.CSS_SELECTOR, ".my-assignments"))
    me = stored_student(d)
    assert me["name"] == name
    return me


def redeem(d, base, one_time_code):
    as_student(d, base, None)
    go(d, base, "/class")
    type_into(d, "#readmit-code", one_time_code)
    click(d, "form.readmit button[type=submit]")


def answer_choice(d, base, question, choice):
    """Answers on the question's page; the result section, or the error shown instead."""
    go(d, base, "/topics")         # a fresh page for the question, not the one already shown with its result
    go(d, base, f"/q/{question}")
    click(d, f"form.answer.choices li.choice[data-choice='{choice}'] label")
    click(d, "form.answer.choices button[type=submit]")
    return read(d, lambda x: (x.find_elements(By.CSS_SELECTOR, ".result-region section.result")
                              or x.find_elements(By.CSS_SELECTOR, ".result-region .alert.error") or [None])[0])


def key_shown(d):
    """Whether the result carries the key: right or wrong per option, or the explanation."""
    return bool(d.find_elements(By.CSS_SELECTOR, "li.choice .choice-feedback, section.result .explanation"))


def open_state(base, token, assignment):
    status, mine = http(base, "GET", "/api/v1/me/assignments", token=token)
    assert status == 200, mine
    return next(a for a in mine["assignments"] if a["id"] == assignment)["state"]


# ---------------------------------------------------------------- the whole flow


def test_two_teachers_run_their_classes_through_an_assignment_across_kill_9(killable, driver):
    started = time.monotonic()
    base, ledger, d = killable.base, Ledger(), driver

    def restart_after_kill():
        killable.kill9()
        killable.start()
        ledger.verify(base)

    # The administrator makes the two teachers' accounts (no page for that): each gets an id and a token.
    ada_t = http(base, "POST", "/api/v1/teachers", {"name": "Ada Teacher"}, token=TEACHER_TOKEN)[1]
    ben_t = http(base, "POST", "/api/v1/teachers", {"name": "Ben Teacher"}, token=TEACHER_TOKEN)[1]
    assert ada_t["token"] and ben_t["token"]
    question, right, wrong = choice_question()

    # --- Ada creates her class and shares it with Ben.
    sign_in_teacher(d, base, ada_t["token"])
    ada_class = create_class(d, "Ada's async class")
    ledger.classes[ada_class] = "Ada's async class"
    share_class(d, ada_class, ben_t["id"])
    assert unlabelled_controls(d) == []
    assert axe_check(d, "light", "/teacher with class settings") == []
    restart_after_kill()                                            # kill -9 no. 1: after class creation
    owned = http(base, "GET", "/api/v1/classes", token=ada_t["token"])[1]["classes"]
    shared = http(base, "GET", "/api/v1/classes", token=ben_t["token"])[1]["classes"]
    assert [c["code"] for c in owned] == [ada_class] and [c["code"] for c in shared] == [ada_class]

    # --- Ben creates his, roster only, and adds Rosa by name: she gets a one-time code of her own.
    sign_in_teacher(d, base, ben_t["token"])
    ben_class = create_class(d, "Ben's roster class")
    ledger.classes[ben_class] = "Ben's roster class"
    set_joining(d, ben_class, "roster")
    type_into(d, "#roster-code", ben_class)
    type_into(d, "#roster-add-name", "Rosa")
    click(d, "form.add-student button[type=submit]")
    rosa_code = text(d, "#roster-added strong")
    ledger.students[ben_class] = {"Rosa"}

    # --- Students join: two into Ada's class by its code; Rosa cannot join Ben's by its code, and uses hers.
    join(d, base, ada_class, "Ada Student")
    ada_s = joined(d, "Ada Student")
    join(d, base, ada_class, "Bo")
    bo_old = joined(d, "Bo")
    ledger.students[ada_class] = {"Ada Student", "Bo"}
    join(d, base, ben_class, "Rosa")
    refused = text(d, "form.join [role=alert]")
    assert "takes no one by its code" in refused and stored_student(d) is None
    redeem(d, base, rosa_code)
    rosa = joined(d, "Rosa")
    assert rosa["class"] == ben_class
    restart_after_kill()                                            # kill -9 no. 2: after the joins
    for who in (ada_s, bo_old, rosa):
        assert http(base, "GET", "/api/v1/me/assignments", token=who["token"])[0] == 200

    # --- Bo loses his token (a cleared browser); Ada hands him a one-time code from her roster; he is back as Bo.
    as_student(d, base, None)
    sign_in_teacher(d, base, ada_t["token"])
    show_roster(d, ada_class)
    click(d, "#roster-table tr[data-student='Bo'] button.readmit")
    bo_code = text(d, "#roster-table tr[data-student='Bo'] .readmit-code strong")
    redeem(d, base, bo_code)
    bo = joined(d, "Bo")
    assert bo["id"] == bo_old["id"] and bo["token"] != bo_old["token"]
    assert http(base, "GET", "/api/v1/me/assignments", token=bo_old["token"])[0] == 401

    # --- Each teacher makes an assignment due DUE_IN seconds ahead: two attempts per question, key after the due.
    due = datetime.now() + timedelta(seconds=DUE_IN)
    sign_in_teacher(d, base, ada_t["token"])
    create_assignment(d, ada_class, "Ada week 1", [question, CODE_QUESTION], due, 2)
    sign_in_teacher(d, base, ben_t["token"])
    create_assignment(d, ben_class, "Ben week 1", [question], due, 2)
    for code, title in ((ada_class, "Ada week 1"), (ben_class, "Ben week 1")):
        listed = http(base, "GET", f"/api/v1/classes/{code}/assignments", token=TEACHER_TOKEN)[1]["assignments"]
        assert [a["title"] for a in listed] == [title] and listed[0]["max_attempts"] == 2
        ledger.assignments[code] = {listed[0]["id"]}
    ada_week, ben_week = next(iter(ledger.assignments[ada_class])), next(iter(ledger.assignments[ben_class]))

    # --- On time. Ada Student: a wrong answer and a right one, neither with the key; the third is refused (409).
    as_student(d, base, ada_s)
    go(d, base, "/class")
    wait(d).until(lambda x: x.find_elements(By.CSS_SELECTOR, ".assignment-list li[data-assignment='Ada week 1'][data-state='open']"))
    for choice, verdict in ((wrong, "verdict-failed"), (right, "verdict-passed")):
        assert open_state(base, ada_s["token"], ada_week) == "open", "the on-time work ran past the due time"
        result = answer_choice(d, base, question, choice)
        assert verdict in result.get_attribute("class"), result.text
        ledger.attempts[(ada_class, "Ada Student", question)] += 1
        assert not key_shown(d), "the key is held back until the due time"
    refused = answer_choice(d, base, question, right)
    assert "error" in refused.get_attribute("class") and "2" in refused.text, refused.text

    # Bo submits code; the server is killed while it grades (no answer: recorded once or not at all), then he
    # submits again and is answered.
    as_student(d, base, bo)
    go(d, base, f"/q/{CODE_QUESTION}")
    wait(d).until(lambda x: x.find_elements(By.CSS_SELECTOR, ".CodeMirror, textarea.code-fallback"))
    wrong_code = code_source("wrong", "1-not_concurrent.py")
    set_code(d, wrong_code)
    click(d, "form.answer.code button[type=submit]")
    # Sent: the button is disabled while it grades. On a fast grading the answer may already be back when this
    # looks; the kill then lands after it, and the ledger's in-flight count allows either outcome.
    wait(d).until(lambda x: x.find_element(By.CSS_SELECTOR, "form.answer.code button[type=submit]").get_attribute("disabled")
                  or x.find_elements(By.CSS_SELECTOR, ".result-region section.result, .result-region .alert"))
    ledger.in_flight[(ada_class, "Bo", CODE_QUESTION)] += 1
    killable.kill9()                                                # kill -9 no. 3: mid-submission
    killable.start()
    ledger.verify(base)
    before = ledger.attempts[(ada_class, "Bo", CODE_QUESTION)]
    ledger.settle_in_flight(base)
    print("the attempt cut off by kill -9 was", "recorded" if ledger.attempts[(ada_class, "Bo", CODE_QUESTION)] > before
          else "not recorded (no answer was given for it)")
    wait(d, GRADE_TIMEOUT).until(lambda x: not x.find_element(
        By.CSS_SELECTOR, "form.answer.code button[type=submit]").get_attribute("disabled"))
    if ledger.attempts[(ada_class, "Bo", CODE_QUESTION)] < 2:     # room left under the limit of two
        assert open_state(base, bo["token"], ada_week) == "open", "the on-time work ran past the due time"
        set_code(d, wrong_code)
        old = d.find_elements(By.CSS_SELECTOR, "section.result")
        click(d, "form.answer.code button[type=submit]")
        if old:
            wait(d, GRADE_TIMEOUT).until(EC.staleness_of(old[0]))
        result = read(d, lambda x: x.find_element(By.CSS_SELECTOR, "section.result"), GRADE_TIMEOUT)
        settled(d, GRADE_TIMEOUT)
        assert "verdict-failed" in result.get_attribute("class")
        ledger.attempts[(ada_class, "Bo", CODE_QUESTION)] += 1

    # Rosa, in Ben's class: right, without the key.
    as_student(d, base, rosa)
    assert open_state(base, rosa["token"], ben_week) == "open", "the on-time work ran past the due time"
    result = answer_choice(d, base, question, right)
    assert "verdict-passed" in result.get_attribute("class")
    ledger.attempts[(ben_class, "Rosa", question)] += 1
    assert not key_shown(d)
    ledger.verify(base)

    print(f"on-time work done {(due - datetime.now()).total_seconds():.1f} s before the due time")
    # --- The due time passes: wait until the server itself says both assignments are closed.
    wait(d, DUE_IN + 30).until(lambda x: open_state(base, rosa["token"], ben_week) == "closed"
                               and open_state(base, bo["token"], ada_week) == "closed")
    restart_after_kill()                                            # kill -9 no. 4: after the due time

    # --- Late work: recorded, marked late, and now with the key.
    as_student(d, base, bo)
    result = answer_choice(d, base, question, wrong)
    assert "verdict-failed" in result.get_attribute("class")
    ledger.attempts[(ada_class, "Bo", question)] += 1
    ledger.late[(ada_class, "Bo", question)] += 1
    assert key_shown(d), "after the due time the result shows the key"
    as_student(d, base, rosa)
    result = answer_choice(d, base, question, wrong)
    ledger.attempts[(ben_class, "Rosa", question)] += 1
    ledger.late[(ben_class, "Rosa", question)] += 1
    assert key_shown(d)
    go(d, base, "/class")
    item = read(d, lambda x: x.find_element(By.CSS_SELECTOR, ".assignment-list li[data-assignment='Ben week 1']"))
    assert item.get_attribute("data-state") == "closed"
    restart_after_kill()                                            # kill -9 no. 5: after the late work

    # --- Ada reads her assignment's results (Bo late) and opens Bo's code and its timeline from the matrix.
    as_student(d, base, None)
    sign_in_teacher(d, base, ada_t["token"])
    type_into(d, "#assign-code", ada_class)
    click(d, "#assignments-h ~ form button[type=submit]")
    click(d, "#assignments-table tr[data-assignment='Ada week 1'] button.results-button")
    late_cell = f"#assignment-results-table tr[data-student='Bo'] td[data-q='{question}']"
    assert read(d, lambda x: x.find_element(By.CSS_SELECTOR, late_cell).get_attribute("data-late")) == "true"
    on_time = f"#assignment-results-table tr[data-student='Ada Student'] td[data-q='{question}']"
    assert d.find_element(By.CSS_SELECTOR, on_time).get_attribute("data-late") == "false"
    assert d.find_element(By.CSS_SELECTOR, on_time).text.startswith("1")
    type_into(d, "#results-code", ada_class)
    click(d, "#results-h ~ form button[type=submit]")
    settled(d)
    click(d, f"#results-table tr[data-student='Bo'] td[data-q='{CODE_QUESTION}'] button.cell-open")
    wait(d).until(lambda x: x.find_elements(By.CSS_SELECTOR, "#attempts-dialog .attempt"))
    settled(d)
    newest = d.find_elements(By.CSS_SELECTOR, "#attempts-dialog .attempt")[0]
    assert d.execute_script("return arguments[0].querySelector('pre.code code').textContent", newest) == wrong_code
    assert newest.find_elements(By.CSS_SELECTOR, ".task.status-not_concurrent, .task[class*='status-not_concurrent']")
    assert newest.find_elements(By.CSS_SELECTOR, "figure svg"), "the timeline the student saw"
    assert axe_check(d, "light", "/teacher a student's attempts, end to end") == []
    shot(d, "e2e-teacher-attempts.png")
    d.find_element(By.ID, "attempts-dialog").send_keys(Keys.ESCAPE)
    wait(d).until(lambda x: not x.find_elements(By.ID, "attempts-dialog"))

    # --- Ben sees his own class's results (Rosa late), and Ada's as her co-teacher.
    sign_in_teacher(d, base, ben_t["token"])
    type_into(d, "#assign-code", ben_class)
    click(d, "#assignments-h ~ form button[type=submit]")
    click(d, "#assignments-table tr[data-assignment='Ben week 1'] button.results-button")
    rosa_cell = f"#assignment-results-table tr[data-student='Rosa'] td[data-q='{question}']"
    assert read(d, lambda x: x.find_element(By.CSS_SELECTOR, rosa_cell).text).startswith("1")   # best counts
    type_into(d, "#results-code", ada_class)
    click(d, "#results-h ~ form button[type=submit]")
    read(d, lambda x: x.find_element(By.CSS_SELECTOR, "#results-table tr[data-student='Ada Student']"))
    # And neither teacher reaches a class that is not theirs.
    assert http(base, "GET", f"/api/v1/classes/{ben_class}/results", token=ada_t["token"])[0] == 403

    ledger.verify(base)
    assert killable.kills == 5
    elapsed = time.monotonic() - started
    print(f"two teachers end to end: {elapsed:.1f} s, {killable.kills} kills")
    assert elapsed < 150, f"the end-to-end flow took {elapsed:.0f} s"
