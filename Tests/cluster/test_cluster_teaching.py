"""The teacher's tools on two instances sharing one PostgreSQL (see conftest.py): a bank uploaded, replaced or
deleted on one instance is served so by the other without a restart; item analysis and a class's export agree
whichever instance answers; a class deleted on one is gone on the other, with nothing of it left in any table; a
regrade started on one instance that is then killed (kill -9) is finished by the other, with no attempt regraded
twice."""
import json
import os
import re
import uuid

from conftest import REPO, TEACHER_TOKEN, bearer, question_answers, wait_for

ANSWERS = question_answers()


def wrong_choice(question_id):
    with open(os.path.join(REPO, 'questions.json')) as f:
        question = next(q for q in json.load(f)['questions'] if q['id'] == question_id)
    return next(c['id'] for c in question['choices'] if not c.get('correct'))


def call(target, method, path, body=None, token=TEACHER_TOKEN):
    status, headers, raw = target.request(method, path, body, bearer(token) if token else {})
    kind = headers.get('Content-Type', '')
    return status, (json.loads(raw) if raw and 'json' in kind else raw)


def ok(target, method, path, body=None, token=TEACHER_TOKEN, expect=200):
    status, payload = call(target, method, path, body, token)
    assert status == expect, (method, path, status, payload)
    return payload


def choice_bank(title, suffix):
    return {'questions': [{
        'id': 'cluster-choice-' + suffix, 'topic': 'awaitables', 'kind': 'single_choice', 'title': title,
        'difficulty': 1, 'prompt': 'Can `await 3` run?', 'explanation': 'An int is not awaitable.',
        'choices': [
            {'id': 'a', 'text': 'Yes', 'correct': False, 'feedback': 'An int has no `__await__`.'},
            {'id': 'b', 'text': 'No, TypeError', 'correct': True, 'feedback': 'Right: it is not awaitable.'},
        ],
    }]}


def listed_titles(target, code, student):
    status, body = call(target, 'GET', '/api/v1/questions?class=' + code, token=student['token'])
    assert status == 200, body
    return {q['id']: q['title'] for q in body['questions']}


def test_a_bank_changed_on_one_instance_is_served_so_by_the_other(cluster):
    a, b = cluster.instances
    teacher = ok(a, 'POST', '/api/v1/teachers', {'name': 'Banks ' + uuid.uuid4().hex[:6]}, expect=201)
    code = ok(a, 'POST', '/api/v1/classes', {'name': 'Banks'}, teacher['token'], expect=201)['code']
    student = cluster.new_student(code, via=a)
    suffix = uuid.uuid4().hex[:6]
    bank = ok(a, 'POST', '/api/v1/banks', choice_bank('First title', suffix), teacher['token'], expect=201)
    qid = bank['questions'][0]
    # b learns of it from PostgreSQL (LISTEN/NOTIFY), within moments and without a restart.
    wait_for(lambda: listed_titles(b, code, student).get(qid) == 'First title', 10, 'b serving the new bank')
    status, result = call(b, 'POST', '/api/v1/questions/%s/attempts' % qid, {'choices': ['b']}, student['token'])
    assert status == 200 and result['verdict'] == 'passed'
    assert [x['id'] for x in ok(b, 'GET', '/api/v1/banks', token=teacher['token'])['banks']] == [bank['id']]

    # Replaced on b: a serves the new title.
    ok(b, 'PUT', '/api/v1/banks/' + bank['id'], choice_bank('Second title', suffix), teacher['token'])
    wait_for(lambda: listed_titles(a, code, student).get(qid) == 'Second title', 10, 'a serving the replaced bank')

    # Deleted on a: b no longer serves the question (the attempt on it stays recorded).
    assert call(a, 'DELETE', '/api/v1/banks/' + bank['id'], token=teacher['token'])[0] == 204
    wait_for(lambda: qid not in listed_titles(b, code, student), 10, 'b dropping the deleted bank')
    assert call(b, 'GET', '/api/v1/questions/' + qid, token=student['token'])[0] == 404
    assert [x['question'] for x in cluster.attempts_of(student, via=b)] == [qid]


def strip_time(export):
    return {k: v for k, v in export.items() if k != 'exported_at'}


def test_analysis_and_export_agree_whichever_instance_answers_and_a_class_deleted_on_one_is_gone_on_both(cluster):
    a, b = cluster.instances
    teacher = ok(a, 'POST', '/api/v1/teachers', {'name': 'End ' + uuid.uuid4().hex[:6]}, expect=201)
    token = teacher['token']
    doomed = ok(a, 'POST', '/api/v1/classes', {'name': 'Doomed'}, token, expect=201)['code']
    kept = ok(b, 'POST', '/api/v1/classes', {'name': 'Kept'}, token, expect=201)['code']
    choice, choice_body = ANSWERS['choice']
    code_question, code_body = ANSWERS['code']
    ok(a, 'POST', '/api/v1/classes/%s/assignments' % doomed,
       {'title': 'Week', 'questions': [choice, code_question], 'opens_at': '2020-01-01T00:00:00Z',
        'due_at': '2099-01-01T00:00:00Z'}, token, expect=201)
    students = {}
    for code, target in [(doomed, a), (doomed, b), (doomed, a), (kept, b)]:
        student = cluster.new_student(code, via=target)
        students.setdefault(code, []).append(student)
        # Each answers on both instances: a wrong then a right choice, and code on the other instance.
        wrong = {'choices': [wrong_choice(choice)]}
        status, result = call(target, 'POST', '/api/v1/questions/%s/attempts' % choice, wrong, student['token'])
        assert status == 200 and result['verdict'] == 'failed', result
        assert call(target, 'POST', '/api/v1/questions/%s/attempts' % choice, choice_body, student['token'])[0] == 200
        other = b if target is a else a
        status, result = call(other, 'POST', '/api/v1/questions/%s/attempts' % code_question, code_body,
                              student['token'])
        assert status == 200 and result['verdict'] == 'passed', result
    assignments = ok(b, 'GET', '/api/v1/classes/%s/assignments' % doomed, token=token)['assignments']
    paths = ['/api/v1/classes/%s/analysis' % doomed,
             '/api/v1/classes/%s/analysis?assignment=%s' % (doomed, assignments[0]['id']),
             '/api/v1/classes/%s/analysis' % kept]
    for path in paths:
        from_a, from_b = ok(a, 'GET', path, token=token), ok(b, 'GET', path, token=token)
        assert from_a == from_b, path
    whole = {q['id']: q for q in ok(a, 'GET', paths[0], token=token)['questions']}
    assert whole[choice]['students'] == 3 and whole[code_question]['students'] == 3
    assert whole[code_question]['first_try_right'] == 1 and whole[code_question]['task_statuses']
    export = ok(a, 'GET', '/api/v1/classes/%s/export' % doomed, token=token)
    assert strip_time(export) == strip_time(ok(b, 'GET', '/api/v1/classes/%s/export' % doomed, token=token))
    assert sorted(s['id'] for s in export['students']) == sorted(s['id'] for s in students[doomed])
    assert len(export['attempts']) >= 9
    kept_before = strip_time(ok(b, 'GET', '/api/v1/classes/%s/export' % kept, token=token))
    kept_analysis = ok(b, 'GET', paths[2], token=token)

    ids = [doomed] + [s['id'] for s in export['students']] + [x['id'] for x in export['assignments']]
    assert rows_mentioning(cluster.pg, ids), 'the class is in the database before the delete'
    assert call(a, 'DELETE', '/api/v1/classes/' + doomed, token=token)[0] == 204
    # Gone on b at once: the class, its routes, its students' tokens.
    for path in ('', '/results', '/analysis', '/export', '/students'):
        assert call(b, 'GET', '/api/v1/classes/%s%s' % (doomed, path), token=token)[0] == 404, path
    for student in students[doomed]:
        assert call(b, 'GET', '/api/v1/me/attempts', token=student['token'])[0] == 401
    assert call(b, 'DELETE', '/api/v1/classes/' + doomed, token=token)[0] == 404
    # Nothing of it in any column of any table of the database, and none of its attempts.
    assert rows_mentioning(cluster.pg, ids) == []
    attempt_ids = ','.join(str(x['id']) for x in export['attempts'])
    assert cluster.pg.psql('SELECT count(*) FROM attempts WHERE id IN (%s)' % attempt_ids) == '0'
    assert cluster.pg.psql('SELECT count(*) FROM task_outcomes WHERE attempt_id IN (%s)' % attempt_ids) == '0'
    # The other class is untouched, on either instance.
    for target in (a, b):
        assert strip_time(ok(target, 'GET', '/api/v1/classes/%s/export' % kept, token=token)) == kept_before
        assert ok(target, 'GET', paths[2], token=token) == kept_analysis


def rows_mentioning(pg, values):
    """Every (table, column) of the database whose text holds one of the values exactly: the whole schema (every
    table of the `public` schema, every column cast to text), so that a table added later that keeps a class's data
    is searched too."""
    columns = pg.psql("SELECT table_name || '.' || column_name FROM information_schema.columns "
                      "WHERE table_schema = 'public' ORDER BY table_name, column_name").splitlines()
    literal = ','.join("'%s'" % v.replace("'", "''") for v in values)
    found = []
    for qualified in columns:
        table, column = qualified.split('.', 1)
        hits = pg.psql('SELECT count(*) FROM "%s" WHERE CAST("%s" AS text) IN (%s)' % (table, column, literal))
        if hits != '0':
            found.append((table, column, hits))
    return found


def recorded_items(instance, regrade_id):
    """The attempt ids this instance's log says it recorded for the regrade (one line per item it wrote)."""
    with open(instance.log_path, 'rb') as f:
        lines = f.read().decode('utf-8', 'replace').splitlines()
    found = []
    for line in lines:
        if 'regrade item recorded' in line and 'regrade=%s' % regrade_id in line:
            found.append(int(re.search(r'attempt=(\d+)', line).group(1)))
    return found


def test_a_regrade_whose_instance_is_killed_is_finished_by_the_other_with_no_attempt_regraded_twice(cluster):
    a, b = cluster.instances
    code = cluster.new_class()
    students = [cluster.new_student(code, via=a) for _ in range(8)]
    question, body = ANSWERS['code']
    # 40 code attempts graded against an older version of the question (written straight into the database, as a
    # bank changed since would leave them): each must be graded again, which takes the graders some seconds.
    answer = json.dumps(body).replace("'", "''")
    values = ','.join("('%s', '%s', 'code', '%s', 'failed', 0, '[]', extract(epoch FROM now()), 'stale-version')"
                      % (s['id'], question, answer) for s in students for _ in range(5))
    cluster.pg.psql('INSERT INTO attempts (student_id, question_id, kind, answer, verdict, score, tasks, created_at, '
                    'version) VALUES ' + values)
    attempt_ids = {int(x) for x in cluster.pg.psql(
        "SELECT a.id FROM attempts a JOIN students s ON s.id = a.student_id WHERE s.class_code = '%s'" % code
    ).split()}
    assert len(attempt_ids) == 40

    status, started = call(a, 'POST', '/api/v1/classes/%s/regrades' % code, {'question': question})
    assert status == 202, started
    path = '/api/v1/classes/%s/regrades/%s' % (code, started['id'])
    # a holds the job and has recorded some of it; b, told of the claim, waits for it in PostgreSQL.
    wait_for(lambda: ok(b, 'GET', path)['done'] >= 2, 60, 'a regrading')
    assert ok(b, 'GET', path)['status'] == 'running'
    a.kill9()
    try:
        report = wait_for(lambda: (lambda r: r if r['status'] == 'finished' else None)(ok(b, 'GET', path)), 180,
                          'b finishing the regrade')
        by_a, by_b = recorded_items(a, started['id']), recorded_items(b, started['id'])
        assert by_a and by_b, (len(by_a), len(by_b))
        # No attempt recorded twice, by one instance or the other. An item a recorded in the instant it was killed
        # may lack its log line (a commits, then logs): at most one per grader lane of a (2).
        recorded = by_a + by_b
        assert len(recorded) == len(set(recorded)) and set(recorded) <= attempt_ids, sorted(recorded)
        assert len(attempt_ids - set(recorded)) <= 2, sorted(attempt_ids - set(recorded))
        assert (report['total'], report['done']) == (40, 40)
        assert report['regraded'] + report['unchanged'] + report['failed'] == 40
        # Each change once, from the grade the attempt had (an attempt written twice would show from its new grade).
        changed = [c['attempt'] for c in report['changes']]
        assert len(changed) == len(set(changed)) and set(changed) <= attempt_ids
        assert all(c['from'] == 0 and c['from_verdict'] == 'failed' for c in report['changes'])
        # A right solution passes when graded again (on a loaded machine a timed task may still fail one: the grader's
        # verdict is not what this test is about; that each attempt was regraded, once, is).
        assert len(changed) >= 30, report
        # Every attempt graded again carries the question's version now; only one the grader could not grade keeps
        # the old one.
        stale = cluster.pg.psql("SELECT count(*) FROM attempts WHERE version = 'stale-version'")
        assert int(stale) == report['failed'], report
        print('regrade after kill -9: %d attempts recorded by a, %d by b' % (len(by_a), len(by_b)))
    finally:
        a.start()
        wait_for(lambda: a.ready() == 200, 60, 'instance a ready again')
