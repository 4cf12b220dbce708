"""The study features in the real browser: the FSRS port against the reference scheduler (py-fsrs), the mastery
estimate, the Review page, Markdown through markdown-it with no way in for HTML, axe-core on every view in light and
dark mode and at phone width, and keyboard-only flows.

Uses the server and browser fixtures and the wait helpers of test_ui.py (same environment variables).
"""

import json
import random
from datetime import datetime, timedelta, timezone

import pytest

import fsrs  # noqa: E402  (the reference scheduler; the Makefile installs it)

from selenium.webdriver.common.by import By  # noqa: E402

from test_ui import (  # noqa: E402,F401  (fixtures are found by name)
    driver, server, go, wait, read, text, click, http, settled, shot, serving, first_question,
    WIDTH, HEIGHT, REPO, GRADE_TIMEOUT, CORRECT_FETCH_ALL, set_code, TEACHER_TOKEN,
)
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
MS = timedelta(milliseconds=1)
HISTORIES = 1200


def to_ms(t):
    return (t - EPOCH) // MS


def card_state(card):
    return {"state": int(card.state), "step": card.step, "stability": card.stability, "difficulty": card.difficulty,
            "due": to_ms(card.due), "last_review": to_ms(card.last_review) if card.last_review else None}


def random_histories(n, seed=20261201):
    """n review histories made with py-fsrs (fuzzing off): each a list of (time in ms, rating) with the card after each
    review. The times cover same-day reviews in learning steps, reviews right on the due date, early and overdue."""
    rng = random.Random(seed)
    sched = fsrs.Scheduler(enable_fuzzing=False)
    start = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
    out = []
    for h in range(n):
        card = fsrs.Card(card_id=h + 1, due=start)
        t = start + timedelta(milliseconds=rng.randrange(0, 400 * 86400000))
        weights = rng.choice([(1, 1, 1, 1), (1, 1, 4, 1), (4, 1, 1, 1), (1, 3, 1, 3), (0, 0, 1, 1)])
        steps = []
        for _ in range(rng.randint(1, 16)):
            rating = fsrs.Rating(rng.choices([1, 2, 3, 4], weights)[0])
            card, _ = sched.review_card(card, rating, t)
            steps.append({"t": to_ms(t), "rating": int(rating), "card": card_state(card)})
            how = rng.random()
            if how < 0.35:    # right when due
                t = card.due
            elif how < 0.6:   # due or later, by up to three intervals
                t = card.due + (card.due - t) * rng.uniform(0, 3)
            elif how < 0.75:  # early
                t = t + (card.due - t) * rng.uniform(0, 1)
            elif how < 0.9:   # minutes later, whatever is due
                t = t + timedelta(seconds=rng.randrange(1, 7200))
            else:             # a long break, up to three years
                t = t + timedelta(days=rng.uniform(0, 1100))
            t = start + (t - start) // MS * MS  # whole milliseconds, like a Date
        out.append(steps)
    return out


REPLAY_JS = """
const [histories, done] = [arguments[0], arguments[arguments.length - 1]];
import('/js/fsrs.js').then(({Scheduler, newCard}) => {
  const s = new Scheduler();
  const out = histories.map((steps, i) => {
    let card = newCard(i + 1, Date.UTC(2026, 0, 5, 9));
    return steps.map(({t, rating}) => {
      card = s.reviewCard(card, rating, t);
      return {state: card.state, step: card.step, stability: card.stability, difficulty: card.difficulty,
              due: Date.parse(card.due), last_review: Date.parse(card.last_review)};
    });
  });
  done(JSON.stringify(out));
}, (e) => done('ERR ' + e));
"""


def test_fsrs_port_matches_the_reference_scheduler(server, driver):
    histories = random_histories(HISTORIES)
    reviews = sum(len(h) for h in histories)
    assert reviews > 8000
    states = {s["card"]["state"] for h in histories for s in h}
    assert states == {1, 2, 3}, "the histories reach learning, review and relearning"
    go(driver, server, "/topics")
    raw = driver.execute_async_script(REPLAY_JS, [[{"t": s["t"], "rating": s["rating"]} for s in h] for h in histories])
    assert not raw.startswith("ERR"), raw
    mine = json.loads(raw)
    bad = []
    for i, (ref, got) in enumerate(zip(histories, mine)):
        for k, (r, g) in enumerate(zip(ref, got)):
            r = r["card"]
            ok = (r["state"] == g["state"] and r["step"] == g["step"] and r["due"] == g["due"]
                  and r["last_review"] == g["last_review"]
                  and g["stability"] == pytest.approx(r["stability"], rel=1e-9, abs=1e-12)
                  and g["difficulty"] == pytest.approx(r["difficulty"], rel=1e-9, abs=1e-12))
            if not ok:
                bad.append((i, k, r, g))
        assert len(got) == len(ref)
    assert len(mine) == HISTORIES
    assert not bad, f"{len(bad)} of {reviews} reviews differ; first: {bad[:3]}"


# ---------------------------------------------------------------- mastery and the Review page


def study_record(d):
    return d.execute_script("return JSON.parse(localStorage.getItem('asyncquiz.study'))")


def fresh_study(d, base):
    go(d, base, "/topics")
    d.execute_script("localStorage.removeItem('asyncquiz.study'); localStorage.removeItem('asyncquiz.progress')")


def right_and_wrong(base, q):
    """(a right choice id, a wrong choice id) of a single choice question, learnt from the grader's feedback."""
    status, r = http(base, "POST", f"/api/v1/questions/{q['id']}/attempts", {"choices": [q["choices"][0]["id"]]})
    assert status == 200, r
    right = [f["choice"] for f in r["feedback"] if f["correct"]]
    wrong = [f["choice"] for f in r["feedback"] if not f["correct"]]
    return right[0], wrong[0]


def answer_choice(d, base, q, choice):
    go(d, base, f"/q/{q['id']}")
    click(d, f"label[for='choice-{q['id']}-{choice}']")
    old = d.find_elements(By.CSS_SELECTOR, "section.result")
    click(d, "form.answer button[type=submit]")
    wait(d).until(lambda x: x.find_elements(By.CSS_SELECTOR, "section.result") and
                  (not old or x.find_elements(By.CSS_SELECTOR, "section.result")[0] != old[0]))
    return text(d, "section.result .schedule")


def shift_study_back(d, days):
    """Moves every time in the study record `days` into the past: as if that much time had gone by."""
    d.execute_script("""
      const v = JSON.parse(localStorage.getItem('asyncquiz.study')), dt = arguments[0] * 86400000;
      const back = (t) => t && new Date(Date.parse(t) - dt).toISOString();
      v.attempts.forEach((a) => { a.at = back(a.at); });
      Object.values(v.cards).forEach((c) => { c.due = back(c.due); c.last_review = back(c.last_review); });
      localStorage.setItem('asyncquiz.study', JSON.stringify(v));""", days)


def expected_mastery(record, topic, now_ms):
    """The formula of README.md ("Mastery per topic"), computed here independently of the browser."""
    import math
    mine = [a for a in record["attempts"] if a["topic"] == topic]
    at = [datetime.fromisoformat(a["at"].replace("Z", "+00:00")) for a in mine]
    newest = max(at)
    num, den = 0.0, 1.0
    for a, t in zip(mine, at):
        w = {1: 1, 2: 2, 3: 3}.get(a["difficulty"], 2) * 2 ** (-((newest - t) / timedelta(days=1)) / 7)
        num += w * a["score"]
        den += w
    sched = fsrs.Scheduler()
    decay = -sched.parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    rs = []
    for qid in {a["question"] for a in mine}:
        c = record["cards"][qid]
        days = (now_ms - to_ms(datetime.fromisoformat(c["last_review"].replace("Z", "+00:00")))) / 86400000
        rs.append((1 + factor * max(0, days) / c["stability"]) ** decay)
    return num / den * (sum(rs) / len(rs)), math.isfinite(num)


def test_answers_schedule_reviews_and_build_mastery(server, driver):
    status, body = http(server, "GET", "/api/v1/questions?kind=single_choice")
    assert status == 200
    by_topic = {}
    for q in body["questions"]:
        by_topic.setdefault(q["topic"], []).append(q)
    topic, qs = next((t, v) for t, v in by_topic.items() if len(v) >= 2)
    q1, q2 = qs[:2]
    fresh_study(driver, server)

    go(driver, server, "/review")
    assert "Nothing to review yet" in text(driver, ".review-page")
    go(driver, server, "/topics")
    assert "not practised yet" in text(driver, f".mastery[data-topic='{topic}']")

    # a wrong answer: Again, back in a minute (the first learning step)
    right1, wrong1 = right_and_wrong(server, q1)
    line = answer_choice(driver, server, q1, wrong1)
    assert line.startswith("Again") and "comes back in 1 min" in line, line
    card = study_record(driver)["cards"][q1["id"]]
    assert card["state"] == 1 and card["step"] == 0
    # a right answer: Good, out to the second learning step (10 minutes)
    right2, _ = right_and_wrong(server, q2)
    line = answer_choice(driver, server, q2, right2)
    assert line.startswith("Good") and "next review in 10 min" in line, line
    # right again, a while later: it graduates to days
    shift_study_back(driver, 1 / 24)
    line = answer_choice(driver, server, q2, right2)
    assert line.startswith("Good") and "day" in line, line
    rec = study_record(driver)
    assert [a["rating"] for a in rec["attempts"]] == [1, 3, 3]
    assert rec["cards"][q2["id"]]["state"] == 2
    assert set(rec["attempts"][0]) >= {"question", "topic", "kind", "difficulty", "verdict", "score", "hints", "rating", "at"}

    # the Review page: q1 is due (its minute has passed), q2 comes up in days
    go(driver, server, "/review")
    due = read(driver, lambda d: [li.get_attribute("data-question") for li in d.find_elements(By.CSS_SELECTOR, ".review-list.due li")])
    upcoming = read(driver, lambda d: [li.get_attribute("data-question") for li in d.find_elements(By.CSS_SELECTOR, ".review-list.upcoming li")])
    assert due == [q1["id"]] and upcoming == [q2["id"]]
    assert "1 question due now" in text(driver, "#review-summary")
    assert text(driver, "#due-count").strip().startswith("1")
    shot(driver, "review.png")
    click(driver, "#start-review")
    wait(driver).until(lambda d: d.execute_script("return document.documentElement.dataset.route") == f"/q/{q1['id']}")
    # answering the due question right: it leaves the due list
    line = answer_choice(driver, server, q1, right1)
    assert line.startswith(("Good", "Hard")), line
    go(driver, server, "/review")
    assert "Nothing is due now" in text(driver, "#review-summary")

    # mastery: the documented formula, and it falls as time goes by without practice
    go(driver, server, "/topics")
    now = driver.execute_script("return Date.now()")
    shown = float(read(driver, lambda d: d.find_element(By.CSS_SELECTOR, f".mastery[data-topic='{topic}']").get_attribute("data-mastery")))
    want, _ = expected_mastery(study_record(driver), topic, now)
    assert shown == pytest.approx(want, abs=2e-3)
    assert 0 < shown < 1
    shot(driver, "topics-mastery.png")
    shift_study_back(driver, 30)
    go(driver, server, "/review")
    go(driver, server, "/topics")
    later = float(read(driver, lambda d: d.find_element(By.CSS_SELECTOR, f".mastery[data-topic='{topic}']").get_attribute("data-mastery")))
    assert later < shown
    assert "fading" in text(driver, f".mastery[data-topic='{topic}']")
    # and every question is due again
    assert text(driver, ".due-note").startswith("2 questions due")


def test_rating_mapping_and_hand_over(server, driver):
    go(driver, server, "/topics")
    got = driver.execute_async_script("""
      const done = arguments[arguments.length - 1];
      import('/js/study.js').then(async (s) => {
        const r = (o) => s.ratingFor(o);
        const rows = [
          r({verdict: 'passed', score: 1, kind: 'single_choice', firstSeen: true}),
          r({verdict: 'passed', score: 1, kind: 'code', firstSeen: true}),
          r({verdict: 'passed', score: 1, kind: 'code', firstSeen: false}),
          r({verdict: 'failed', score: 0.5, kind: 'multiple_choice'}),
          r({verdict: 'failed', score: 0.25, kind: 'code'}),
          r({verdict: 'not_gradable', score: 0, kind: 'code'}),
          r({verdict: 'error', score: 0, kind: 'code'}),
          r({verdict: 'passed', score: 1, kind: 'code', hints: 1}),
          r({verdict: 'failed', score: 0.6, kind: 'code', hints: 3}),
        ];
        localStorage.removeItem('asyncquiz.study');
        s.recordAttempt({id: 'x', topic: 't', kind: 'code', difficulty: 3}, {verdict: 'passed', score: 1});
        const sent = [];
        const first = await s.handOverToServer({id: 7, class: 'ABC123'}, async (rec) => { sent.push(rec); });
        const second = await s.handOverToServer({id: 7, class: 'ABC123'}, async (rec) => { sent.push(rec); });
        done({rows, first, second, sent, mark: s.load().handed_over});
      }, (e) => done({error: String(e)}));""")
    assert "error" not in got, got
    assert got["rows"] == [3, 4, 3, 2, 1, 1, None, 2, 1]
    assert got["first"] is True and got["second"] is False and len(got["sent"]) == 1
    rec = got["sent"][0]
    assert set(rec) == {"version", "scheduler", "attempts", "cards"}
    assert rec["cards"]["x"]["state"] == 2 and rec["attempts"][0]["rating"] == 4
    assert rec["scheduler"]["enable_fuzzing"] is False
    # the server side can load the cards with the reference implementation as they are
    card = fsrs.Card.from_dict({**rec["cards"]["x"], "card_id": 1})
    assert card.stability == pytest.approx(rec["cards"]["x"]["stability"])
    assert got["mark"]["class"] == "ABC123"
    driver.execute_script("localStorage.removeItem('asyncquiz.study')")


# ---------------------------------------------------------------- Markdown: markdown-it, and no HTML gets in

HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b onclick="window.__pwned=3">bold?</b>'
RICH_PROMPT = (
    "Inside `async def main()`, which expression can **not** follow `await`? *Think* about ``a ` b``.\n\n"
    "- a coroutine object\n- a **Task**\n\n1. first\n2. second\n\n"
    "```python\nasync def main():\n    await asyncio.sleep(0)\n```\n\n"
    "```\nprint('no language: Python')\n```\n\n"
    "[a bad link](javascript:window.__pwned=4) and [a good one](https://docs.python.org/3/library/asyncio.html)\n\n"
    + HOSTILE
)


@pytest.fixture(scope="module")
def hostile_server():
    """A server whose bank puts raw HTML in a prompt, a title, an option, its feedback and the explanation."""
    bank = json.loads((REPO / "questions.json").read_text())
    bank["questions"] = [q for q in bank["questions"] if q["kind"] != "code" or q["id"] == "code-fetch-all"]
    q = next(q for q in bank["questions"] if q["kind"] == "single_choice")
    q["title"] = "Hostile <script>window.__pwned=5</script> title"
    q["prompt"] = RICH_PROMPT
    q["explanation"] = "Because.\n\n" + HOSTILE
    for c in q["choices"]:
        c["text"] = c["text"] + ' <img src=y onerror="window.__pwned=6">'
        c["feedback"] = "Feedback " + HOSTILE

    def write(data_dir):
        path = f"{data_dir}/hostile.json"
        with open(path, "w") as f:
            json.dump(bank, f)
        return path
    with serving(questions=write) as base:
        base_q = q
        yield base, base_q


def test_markdown_renders_with_markdown_it_and_no_html_gets_in(hostile_server, driver):
    base, q = hostile_server
    status, served = http(base, "GET", f"/api/v1/questions/{q['id']}")
    assert status == 200 and served["prompt"] == RICH_PROMPT
    status, _ = http(base, "GET", "/vendor/markdown-it/markdown-it.js")
    assert status == 200
    go(driver, base, f"/q/{q['id']}")
    assert driver.execute_script("return typeof window.markdownit") == "function"
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".prompt pre code.hljs"))  # highlight.js ran
    got = driver.execute_script("""
      const p = document.querySelector('.prompt');
      return {
        codes: [...p.querySelectorAll(':not(pre) > code')].map(c => c.textContent),
        strong: [...p.querySelectorAll('strong')].map(c => c.textContent),
        em: [...p.querySelectorAll('em')].map(c => c.textContent),
        ul: [...p.querySelectorAll('ul > li')].map(c => c.textContent),
        ol: [...p.querySelectorAll('ol > li')].map(c => c.textContent),
        pres: [...p.querySelectorAll('pre.code > code')].map(c => [c.className, c.textContent]),
        hljs: p.querySelectorAll('pre code .hljs-keyword').length,
        links: [...p.querySelectorAll('a')].map(a => a.getAttribute('href')),
        text: p.textContent,
      };""")
    assert got["codes"] == ["async def main()", "await", "a ` b"]
    assert got["strong"] == ["not", "Task"] and got["em"] == ["Think"]
    assert got["ul"] == ["a coroutine object", "a Task"] and got["ol"] == ["first", "second"]
    assert [cls.split()[0] for cls, _ in got["pres"]] == ["language-python", "language-python"]
    assert "await asyncio.sleep(0)" in got["pres"][0][1] and got["hljs"] >= 2
    assert got["links"] == ["https://docs.python.org/3/library/asyncio.html"], got["links"]
    assert '<img src=x onerror="window.__pwned=1">' in got["text"] and "<script>" in got["text"]

    # answer, so the feedback and the explanation are drawn too
    click(driver, f"label[for='choice-{q['id']}-{q['choices'][0]['id']}']")
    click(driver, "form.answer button[type=submit]")
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, "section.result .explanation"))
    wait(driver).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "li.choice .choice-feedback")) == len(q["choices"]))
    assert "<script>window.__pwned=2</script>" in text(driver, "section.result .explanation")
    assert "Feedback <img" in text(driver, "li.choice .choice-feedback")
    assert "<script>window.__pwned=5</script>" in text(driver, "h1")
    bad = driver.execute_script("""
      return {pwned: window.__pwned === undefined ? null : window.__pwned,
              elements: [...document.querySelectorAll('#view img, #view script, #view b, #view [onclick], #view [onerror]')]
                .map(e => e.outerHTML)};""")
    assert bad == {"pwned": None, "elements": []}
    shot(driver, "markdown-hostile.png")


# ---------------------------------------------------------------- axe-core on every view

import axe_selenium_python  # noqa: E402  (the Makefile installs it)


def axe_script():
    """The axe-core to run: axe-selenium-python bundles axe-core 3.1 (2018); the wheel of axe-playwright-python
    (installed without its dependencies, see the Makefile) carries a current one (4.x), used when it is there.
    QUIZ_UI_AXE_JS names another file."""
    import importlib.util
    import os
    if os.environ.get("QUIZ_UI_AXE_JS"):
        return os.environ["QUIZ_UI_AXE_JS"]
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec and spec.submodule_search_locations:
        newer = os.path.join(list(spec.submodule_search_locations)[0], "axe.min.js")
        if os.path.exists(newer):
            return newer
    return axe_selenium_python.axe._DEFAULT_SCRIPT

MODES = {
    "light": ({"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False}, "light"),
    "dark": ({"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False}, "dark"),
    "phone-light": ({"width": 360, "height": 740, "deviceScaleFactor": 1, "mobile": True}, "light"),
    "phone-dark": ({"width": 360, "height": 740, "deviceScaleFactor": 1, "mobile": True}, "dark"),
}
AXE_REPORT = []  # (mode, view, serious or critical, all violations): printed at the end, for the record


def axe_check(d, mode, view):
    if not d.execute_script("return typeof window.axe === 'object'"):
        axe_selenium_python.Axe(d, script_url=axe_script()).inject()
    # every rule axe has for WCAG 2.x A/AA and its best practices, on the whole document
    results = d.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations), e => done([{id: 'axe-error', "
        "impact: 'critical', description: String(e), nodes: []}]));")
    serious = [v for v in results if v["impact"] in ("serious", "critical")]
    AXE_REPORT.append((mode, view, len(serious), len(results), [v["id"] for v in results]))
    return [(v["id"], v["impact"], v["description"], [n["target"] for n in v["nodes"]][:5]) for v in serious]


def settle_view(d):
    settled(d)
    # two frames: layout done, ResizeObservers (the scrollable code blocks) called back
    d.execute_async_script("const done = arguments[arguments.length - 1];"
                           "requestAnimationFrame(() => requestAnimationFrame(() => done()))")
    d.execute_script("return document.fonts && document.fonts.ready")
    # the libraries a view loads by itself: highlight.js on code blocks, CodeMirror on the code page
    wait(d).until(lambda x: x.execute_script(
        "return [...document.querySelectorAll('pre code')].every(c => c.classList.contains('hljs'))"
        " && (!document.querySelector('form.answer.code') || !!document.querySelector('.CodeMirror'))"))


def test_axe_finds_nothing_serious_on_any_view(server, driver):
    qs = {k: first_question(server, k) for k in ("single_choice", "multiple_choice", "predict_output")}
    _, topics_body = http(server, "GET", "/api/v1/topics")
    status, cls = http(server, "POST", "/api/v1/classes", {"name": "Axe"}, token=TEACHER_TOKEN)
    assert status == 201, cls
    status, st = http(server, "POST", "/api/v1/students", {"name": "Alan Turing", "class": cls["code"]})
    assert status == 201, st
    for q in (qs["single_choice"], qs["multiple_choice"]):
        http(server, "POST", f"/api/v1/questions/{q['id']}/attempts", {"choices": [q["choices"][0]["id"]]}, token=st["token"])
    fresh_study(driver, server)
    # some study history, so that the Review page and the mastery have something to show
    for q in (qs["single_choice"], qs["multiple_choice"]):
        answer_choice(driver, server, q, q["choices"][1]["id"])
    shift_study_back(driver, 2)

    problems = []
    try:
        for mode, (metrics, scheme) in MODES.items():
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
            driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                                   {"features": [{"name": "prefers-color-scheme", "value": scheme}]})

            def check(view):
                settle_view(driver)
                assert driver.execute_script("return matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
                problems.extend((mode, view, *p) for p in axe_check(driver, mode, view))

            driver.execute_script("sessionStorage.clear()")
            for route in ("/topics", f"/topic/{topics_body['topics'][0]['id']}", "/review", "/class", "/teacher",
                          "/nowhere", f"/q/{qs['multiple_choice']['id']}", "/q/code-fetch-all"):
                go(driver, server, route)
                check(route)
            # results: a choice answered, a predicted output compared, code graded with its timelines
            q = qs["single_choice"]
            answer_choice(driver, server, q, q["choices"][0]["id"])
            check(f"/q/{q['id']} answered")
            q = qs["predict_output"]
            go(driver, server, f"/q/{q['id']}")
            driver.find_element(By.CSS_SELECTOR, f"#out-{q['id']}").send_keys("not this")
            click(driver, "form.answer button[type=submit]")
            wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".compare"))
            check(f"/q/{q['id']} answered")
            go(driver, server, "/q/code-fetch-all")
            wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, ".CodeMirror"))
            submit_and_wait(driver, CORRECT_FETCH_ALL)
            check("/q/code-fetch-all graded")
            # the teacher's class with its results matrix, and a student's joined page
            driver.execute_script("sessionStorage.setItem('asyncquiz.teacher', JSON.stringify(arguments[0]));"
                                  "sessionStorage.setItem('asyncquiz.teacher.last', JSON.stringify(arguments[1]))",
                                  TEACHER_TOKEN, cls["code"])
            go(driver, server, "/teacher")
            wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#results-table tr[data-student='Alan Turing']"))
            check("/teacher with a class")
            driver.execute_script("localStorage.setItem('asyncquiz.student', JSON.stringify(arguments[0]))",
                                  {"token": st["token"], "name": st["name"], "class": st["class"], "id": st["id"]})
            go(driver, server, "/class")
            wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".attempts table"))
            check("/class joined")
            driver.execute_script("localStorage.removeItem('asyncquiz.student'); sessionStorage.clear()")
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False})
        driver.execute_script("localStorage.removeItem('asyncquiz.student'); sessionStorage.clear()")
        print("\naxe-core", driver.execute_script("return axe.version"), "— serious+critical / all violations per view:")
        for mode, view, serious, total, ids in AXE_REPORT:
            print(f"  {mode:12} {view:45} {serious} / {total} {ids}")
    views = {(m, v) for m, v, *_ in AXE_REPORT}
    assert len(views) >= 4 * 13
    assert not problems, "\n".join(map(str, problems))


def submit_and_wait(d, source):
    set_code(d, source)
    old = d.find_elements(By.CSS_SELECTOR, "section.result")
    click(d, "form.answer.code button[type=submit]")
    wait(d, GRADE_TIMEOUT).until(lambda x: x.find_elements(By.CSS_SELECTOR, "section.result")
                                 and (not old or x.find_elements(By.CSS_SELECTOR, "section.result")[0] != old[0]))
    settled(d, GRADE_TIMEOUT)



# ---------------------------------------------------------------- the keyboard alone


def keys(d, *k):
    ActionChains(d).send_keys(*k).perform()


def active(d):
    return d.execute_script("const a = document.activeElement;"
                            "return a ? (a.id || a.getAttribute('href') || a.className || a.tagName) : null")


def tab_to(d, css, limit=80, back=False):
    """Presses Tab (or Shift+Tab) until the focused element matches css; fails after `limit` presses."""
    for _ in range(limit):
        if d.execute_script("return !!document.activeElement && document.activeElement.matches(arguments[0])", css):
            return
        if back:
            ActionChains(d).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
        else:
            keys(d, Keys.TAB)
    pytest.fail(f"{css} cannot be reached with Tab (focus is on {active(d)})")


def result_announced_once(d):
    """The result is announced by moving the focus to its heading, and is not also a live region."""
    wait(d, GRADE_TIMEOUT).until(lambda x: x.execute_script(
        "return document.activeElement && document.activeElement.id === 'result-heading'"))
    assert d.execute_script("""
      const r = document.querySelector('.result-region');
      for (let e = r; e; e = e.parentElement)
        if (e.hasAttribute('aria-live') || ['status', 'alert', 'log'].includes(e.getAttribute('role'))) return false;
      return !r.querySelector('[aria-live], [role=status], [role=alert]');""")


def test_every_study_flow_with_the_keyboard_alone(server, driver):
    fresh_study(driver, server)
    # the menu, from the top of the page: Tab to "Study" and Enter
    go(driver, server, "/review")
    driver.execute_script("document.activeElement.blur(); window.scrollTo(0, 0)")
    tab_to(driver, "a.skip-link")
    tab_to(driver, "nav a[data-nav=topics]")
    keys(driver, Keys.ENTER)
    wait(driver).until(lambda d: d.execute_script("return document.documentElement.dataset.route") == "/topics")
    wait(driver).until(lambda d: d.execute_script("return document.activeElement.tagName") == "H1")

    # a single choice question: Tab to the options, arrows to choose, Enter to check
    q = first_question(server, "single_choice")
    go(driver, server, f"/q/{q['id']}")
    tab_to(driver, "li.choice input")
    keys(driver, Keys.ARROW_DOWN)
    chosen = driver.execute_script("return document.querySelector('li.choice input:checked')?.value")
    assert chosen
    keys(driver, Keys.ENTER)  # Enter in a radio group submits its form
    result_announced_once(driver)
    assert text(driver, "section.result .schedule")

    # a multiple choice question: Space ticks, Tab moves on, the submit button is reached and pressed with Enter
    q = first_question(server, "multiple_choice")
    go(driver, server, f"/q/{q['id']}")
    tab_to(driver, "li.choice input")
    keys(driver, Keys.SPACE)
    assert driver.execute_script("return document.querySelectorAll('li.choice input:checked').length") == 1
    tab_to(driver, "form.answer button[type=submit]")
    keys(driver, Keys.ENTER)
    result_announced_once(driver)

    # predict the output: type, Ctrl+Enter checks
    q = first_question(server, "predict_output")
    go(driver, server, f"/q/{q['id']}")
    tab_to(driver, f"#out-{q['id']}")
    keys(driver, "something")
    ActionChains(driver).key_down(Keys.CONTROL).send_keys(Keys.ENTER).key_up(Keys.CONTROL).perform()
    result_announced_once(driver)
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".compare"))

    # the code editor: Tab enters it, Tab then indents (the focus stays), Escape leaves it for Submit,
    # Shift+Tab from there goes back before the editor's buttons, Enter on Submit grades
    go(driver, server, "/q/code-fetch-all")
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, ".CodeMirror"))
    driver.execute_script("document.querySelector('.CodeMirror').CodeMirror.setValue('')")
    tab_to(driver, ".CodeMirror textarea")
    keys(driver, "import asyncio", Keys.ENTER, "async def fetch_all(fetch, items):", Keys.ENTER)
    # CodeMirror's Python mode indents the body by itself after the colon: clear that and press Tab
    driver.execute_script("const c = document.querySelector('.CodeMirror').CodeMirror;"
                          "c.replaceRange('', {line: 2, ch: 0}, {line: 2, ch: c.getLine(2).length})")
    keys(driver, Keys.TAB)
    assert driver.execute_script("return document.activeElement.closest('.CodeMirror') !== null"), "Tab left the editor"
    keys(driver, "return await asyncio.gather(*(fetch(i) for i in items))")
    code = driver.execute_script("return document.querySelector('.CodeMirror').CodeMirror.getValue()")
    assert code.splitlines()[2].startswith("    return await"), code
    keys(driver, Keys.ESCAPE)
    assert driver.execute_script("return document.activeElement.matches('form.answer.code button[type=submit]')"), active(driver)
    keys(driver, Keys.ENTER)
    result_announced_once(driver)
    assert "verdict-passed" in read(driver, lambda d: d.find_element(By.CSS_SELECTOR, "section.result").get_attribute("class"))
    # and out of the result, Tab goes on to the rest of the page
    tab_to(driver, ".pager a")

    # the Review page: reach "Start the review" and open the first due question
    shift_study_back(driver, 2)
    go(driver, server, "/review")
    tab_to(driver, "#start-review")
    keys(driver, Keys.ENTER)
    wait(driver).until(lambda d: (d.execute_script("return document.documentElement.dataset.route") or "").startswith("/q/"))

    # joining a class: fields and the button, all by keyboard
    status, cls = http(server, "POST", "/api/v1/classes", {"name": "Keys"}, token=TEACHER_TOKEN)
    assert status == 201, cls
    go(driver, server, "/class")
    tab_to(driver, "#join-code")
    keys(driver, cls["code"], Keys.TAB, "Katherine Johnson", Keys.ENTER)
    wait(driver).until(lambda d: "Recording to class" in d.find_element(By.ID, "recording").text)
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".joined"))
    settled(driver)
    driver.execute_script("localStorage.removeItem('asyncquiz.student')")


OLD_MD = "1f8133a"  # the last commit with the hand-written Markdown subset (Public/js/md.js)

COMPARE_JS = """
const [oldSource, bank, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
(async () => {
  const url = URL.createObjectURL(new Blob([oldSource.replace("from './dom.js'", `from '${location.origin}/js/dom.js'`)], {type: 'text/javascript'}));
  const old = await import(url), now = await import('/js/md.js');
  await now.ready();
  const look = (nodes) => {
    const box = document.createElement('div');
    box.append(...nodes);
    const texts = (sel) => [...box.querySelectorAll(sel)].map((e) => e.textContent.replace(/\\s+/g, ' ').trim());
    // the words in order (the whitespace between blocks is the renderer's own), the blocks, the inline marks
    return {text: box.textContent.replace(/\\s+/g, ''), blocks: [...box.children].map((e) => e.tagName),
            code: texts(':not(pre) > code'), pre: texts('pre'),
            strong: texts('strong'), em: texts('em'), li: texts('li')};
  };
  const out = [];
  for (const q of bank) {
    const fields = [['prompt', q.prompt, 'block'], ['explanation', q.explanation, 'block'], ['title', q.title, 'inline']];
    (q.choices || []).forEach((c, i) => fields.push([`choice ${c.id}`, c.text, 'inline'], [`feedback ${c.id}`, c.feedback, 'inline']));
    for (const [field, src, how] of fields) {
      if (!src) continue;
      const a = look(how === 'block' ? [old.renderText(src)] : old.inline(src));
      const b = look(how === 'block' ? [now.renderText(src)] : now.inline(src));
      out.push({q: q.id, field, src, old: a, now: b});
    }
  }
  return out;
})().then(done, (e) => done('ERR ' + e));
"""


def test_markdown_it_renders_the_bank_as_before_or_better(server, driver):
    """Every Markdown text of the bank, rendered by the old hand-written renderer and by markdown-it: the same words,
    the same code spans, code blocks, emphasis and list items; where they differ, markdown-it must be the one that
    follows CommonMark (checked by the reasons listed)."""
    import subprocess
    old = subprocess.run(["git", "show", f"{OLD_MD}:Public/js/md.js"], cwd=REPO, capture_output=True, text=True)
    if old.returncode != 0:
        pytest.fail(f"the old renderer is not in this checkout's history: {old.stderr.strip()}")
    # the texts as they were when the renderer changed: a question written since has no "before" to match
    then = subprocess.run(["git", "show", f"{OLD_MD}:questions.json"], cwd=REPO, capture_output=True, text=True)
    assert then.returncode == 0, then.stderr
    before = {q["id"]: q for q in json.loads(then.stdout)["questions"]}
    same = lambda q: before.get(q["id"]) == {k: v for k, v in q.items() if k != "hints"}  # hints came later
    bank = [q for q in json.loads((REPO / "questions.json").read_text())["questions"] if same(q)]
    assert len(bank) > 100, len(bank)
    go(driver, server, "/topics")
    rows = driver.execute_async_script(COMPARE_JS, old.stdout, bank)
    assert not isinstance(rows, str), rows
    assert len(rows) > 500
    differ = [r for r in rows if r["old"] != r["now"]]
    print(f"\nmarkdown-it vs the old renderer: {len(rows) - len(differ)} of {len(rows)} texts alike")
    for r in differ:
        print(f"\n{r['q']} {r['field']}: {r['src'][:200]!r}\n  old {r['old']}\n  now {r['now']}")
    # nothing is lost: every code span and code block the old renderer found is still one
    for r in rows:
        assert r["now"]["pre"] == r["old"]["pre"], (r["q"], r["field"])
        assert sorted(r["now"]["code"]) == sorted(r["old"]["code"]), (r["q"], r["field"], r["old"]["code"], r["now"]["code"])
    assert not differ, f"{len(differ)} of {len(rows)} texts render differently"
