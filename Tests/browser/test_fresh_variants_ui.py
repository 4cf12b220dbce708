"""Fresh variants in the browser (issue 17): a student who answers a code question again meets other example tasks
(other items, delays, which call is slow), and the result they read says so, each time graded right."""
from selenium.webdriver.common.by import By  # noqa: E402

from test_ui import (  # noqa: E402,F401  (fixtures are found by name)
    driver, server, go, wait, http, need, submit_code, CORRECT_FETCH_ALL,
)


def test_each_try_of_a_code_question_meets_other_example_tasks(server, driver):
    status, q = http(server, "GET", "/api/v1/questions/code-fetch-all")
    need(status, q, "question code-fetch-all")
    go(driver, server, "/q/code-fetch-all")
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".CodeMirror, textarea.code-fallback"))
    seen = []
    for _ in range(3):
        result = submit_code(driver, CORRECT_FETCH_ALL)
        assert "verdict-passed" in result["class"], result["text"]
        messages = tuple(e.text for e in driver.find_elements(By.CSS_SELECTOR, "section.result .task-message"))
        assert messages, "each task says what it checked"
        seen.append(messages)
    # Three tries, three draws of the example tasks: at least two of them differ in what the tasks report.
    assert len(set(seen)) >= 2, seen
