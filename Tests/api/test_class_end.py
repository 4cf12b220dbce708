"""The end of a term against the live server: a class exported whole (JSON and CSV, the CSV safe to open in a
spreadsheet) and deleted for real: afterwards the SQLite file itself is searched, table by table, for anything of
the class. Real HTTP on loopback, a real SQLite file."""
import csv
import io
import json
import os
import sqlite3

import pytest

from live_server import TEACHER_TOKEN, server, wait_for_regrade  # noqa: F401 - `server` is a fixture

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
SERIAL_FETCH_ALL = ('async def fetch_all(fetch, items):\n    "a, \\"quoted\\" docstring"\n'
                    '    return [await fetch(i) for i in items]\n')


def bank():
    with open(os.path.join(REPO, 'questions.json')) as f:
        return json.load(f)['questions']


def call(server, method, path, body=None, token=None, headers=None):
    sent = dict(headers or {})
    if token:
        sent['Authorization'] = 'Bearer ' + token
    status, response_headers, raw = server.request(method, path, body, sent)
    content_type = response_headers.get('Content-Type', '')
    if content_type.startswith(('application/json', 'application/problem+json')):
        return status, json.loads(raw), response_headers
    return status, raw, response_headers


def ok(server, method, path, body=None, token=None, expect=200, headers=None):
    status, payload, _ = call(server, method, path, body, token, headers)
    assert status == expect, (method, path, status, payload)
    return payload


def make_class(server, name, owner_token):
    """A class with an owner, a co-teacher link, two students (one removed, one readmission code), an assignment,
    and attempts of each kind: a late one, a code one graded in the sandbox, one whose answer a spreadsheet would
    run as a formula."""
    code = ok(server, 'POST', '/api/v1/classes', {'name': name}, owner_token, 201)['code']
    predict = next(q for q in bank() if q['kind'] == 'predict_output')
    single = next(q for q in bank() if q['kind'] == 'single_choice')
    assignment = ok(server, 'POST', '/api/v1/classes/%s/assignments' % code,
                    {'title': 'Past', 'questions': [single['id']], 'opens_at': '2020-01-01T00:00:00Z',
                     'due_at': '2020-01-02T00:00:00Z', 'key': 'now'}, owner_token, 201)
    ada = ok(server, 'POST', '/api/v1/students', {'name': '=HYPERLINK("http://x")', 'class': code}, None, 201)
    bo = ok(server, 'POST', '/api/v1/students', {'name': 'Bo, "the second"', 'class': code}, None, 201)
    ok(server, 'POST', '/api/v1/questions/code-fetch-all/attempts', {'code': SERIAL_FETCH_ALL}, ada['token'])
    ok(server, 'POST', '/api/v1/questions/%s/attempts' % predict['id'], {'output': '=1+1\n'}, ada['token'])
    ok(server, 'POST', '/api/v1/questions/%s/attempts' % single['id'],
       {'choices': [single['choices'][0]['id']]}, bo['token'])
    # a hint taken, a study record on the server, a regrade run: rows of the class's in other tables
    hinted = next(q for q in bank() if q.get('hints'))
    ok(server, 'GET', '/api/v1/questions/%s/hints/1' % hinted['id'], token=ada['token'])
    card = {'due': '2026-11-21T10:00:00Z', 'last_review': '2026-11-20T10:00:00Z', 'stability': 2.0}
    ok(server, 'POST', '/api/v1/me/study/handover',
       {'cards': {single['id']: card}, 'attempts': [{'question': single['id'], 'at': '2026-11-20T10:00:00Z'}]},
       ada['token'], expect=201)
    regrade = ok(server, 'POST', '/api/v1/classes/%s/regrades' % code, {'question': single['id']}, owner_token,
                 expect=202)
    wait_for_regrade(server, code, regrade['id'], owner_token)
    ok(server, 'POST', '/api/v1/classes/%s/students/%s/readmit' % (code, bo['id']), token=owner_token, expect=201)
    ok(server, 'DELETE', '/api/v1/classes/%s/students/%s' % (code, bo['id']), token=owner_token, expect=204)
    return {'code': code, 'ada': ada, 'bo': bo, 'assignment': assignment, 'predict': predict, 'single': single}


@pytest.fixture(scope='module')
def teachers(server):
    made = {name: ok(server, 'POST', '/api/v1/teachers', {'name': 'End ' + name}, TEACHER_TOKEN, 201)
            for name in ('owner', 'co', 'other')}
    return made


@pytest.fixture(scope='module')
def term(server, teachers):
    made = make_class(server, 'Term class', teachers['owner']['token'])
    assert call(server, 'POST', '/api/v1/classes/%s/teachers' % made['code'], {'teacher': teachers['co']['id']},
                teachers['owner']['token'])[0] == 204
    return made


def test_the_export_holds_the_whole_class(server, teachers, term):
    status, export, headers = call(server, 'GET', '/api/v1/classes/%s/export' % term['code'],
                                   token=teachers['co']['token'])
    assert status == 200 and headers['Content-Type'].startswith('application/json')
    assert headers['Content-Disposition'] == 'attachment; filename="class-%s.json"' % term['code']
    assert export['class']['code'] == term['code'] and export['class']['name'] == 'Term class'
    assert export['class']['joining'] == 'open'
    assert export['teachers'] == [
        {'id': teachers['owner']['id'], 'name': 'End owner', 'role': 'owner'},
        {'id': teachers['co']['id'], 'name': 'End co', 'role': 'co_teacher'}]
    students = {s['id']: s for s in export['students']}
    assert students[term['ada']['id']]['removed'] is False
    assert students[term['bo']['id']]['removed'] is True and students[term['bo']['id']]['name'] == 'Bo, "the second"'
    assert [a['id'] for a in export['assignments']] == [term['assignment']['id']]
    assert export['assignments'][0]['questions'] == [term['single']['id']]
    attempts = export['attempts']
    assert [a['question'] for a in attempts] == ['code-fetch-all', term['predict']['id'], term['single']['id']]
    code, predict, single = attempts
    assert code['student'] == term['ada']['id'] and code['answer'] == {'code': SERIAL_FETCH_ALL}
    assert code['verdict'] == 'failed' and 0 < code['score'] < 1
    assert {t['status'] for t in code['tasks']} >= {'not_concurrent'} and all('trace' in t for t in code['tasks'])
    assert isinstance(code['version'], str) and isinstance(code['seed'], int)
    assert predict['answer'] == {'output': '=1+1\n'} and 'tasks' not in predict
    # The single-choice attempt was on a past assignment's question: recorded late, and exported so.
    assert single['student'] == term['bo']['id'] and single['late'] is True
    assert single['answer'] == {'choices': [term['single']['choices'][0]['id']]}


def test_the_csv_has_a_row_per_attempt_and_no_formulas(server, teachers, term):
    path = '/api/v1/classes/%s/export?format=csv' % term['code']
    status, raw, headers = call(server, 'GET', path, token=teachers['owner']['token'])
    assert status == 200 and headers['Content-Type'] == 'text/csv; charset=utf-8'
    assert headers['Content-Disposition'] == 'attachment; filename="class-%s.csv"' % term['code']
    text = raw.decode()
    assert text.endswith('\r\n')
    rows = list(csv.reader(io.StringIO(text, newline='')))
    assert rows[0] == ['attempt', 'student_id', 'student', 'removed', 'question', 'kind', 'created_at', 'verdict',
                       'score', 'late', 'answer', 'tasks']
    assert len(rows) == 4
    code, predict, single = rows[1:]
    # A name and an answer that would be formulas start with an apostrophe; the code round-trips whole.
    assert code[2] == '\'=HYPERLINK("http://x")' and code[3] == 'false'
    assert code[10] == SERIAL_FETCH_ALL and 'not_concurrent' in code[11]
    assert predict[10] == "'=1+1\n"
    assert single[2] == 'Bo, "the second"' and single[3] == 'true' and single[9] == 'true'
    assert single[10] == term['single']['choices'][0]['id']
    for row in rows[1:]:
        assert all(not cell.startswith(('=', '+', '-', '@', '\t', '\r')) for cell in row), row
    # The same CSV when asked for by Accept.
    status, raw_again, _ = call(server, 'GET', '/api/v1/classes/%s/export' % term['code'],
                                token=teachers['owner']['token'], headers={'Accept': 'text/csv'})
    assert status == 200 and list(csv.reader(io.StringIO(raw_again.decode(), newline='')))[1:] == rows[1:]
    status, problem, _ = call(server, 'GET', '/api/v1/classes/%s/export?format=xml' % term['code'],
                              token=teachers['owner']['token'])
    assert status == 400 and 'format' in problem['detail']


def test_who_may_export(server, teachers, term):
    path = '/api/v1/classes/%s/export' % term['code']
    assert call(server, 'GET', path, token=TEACHER_TOKEN)[0] == 200
    assert call(server, 'GET', path, token=teachers['other']['token'])[0] == 403
    for token in (None, 'not-a-token', term['ada']['token']):
        assert call(server, 'GET', path, token=token)[0] == 401
    assert call(server, 'GET', '/api/v1/classes/ZZZZZZ/export', token=TEACHER_TOKEN)[0] == 404


def rows_mentioning(db_path, values):
    """Every (table, column) of the file whose text holds one of the values: the whole schema, so that a table
    added later that keeps a class's data is searched too."""
    found = []
    with sqlite3.connect(db_path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            columns = [r[1] for r in db.execute('PRAGMA table_info("%s")' % table)]
            for column in columns:
                for value in values:
                    hits = db.execute('SELECT COUNT(*) FROM "%s" WHERE CAST("%s" AS TEXT) = ?' % (table, column),
                                      (value,)).fetchone()[0]
                    if hits:
                        found.append((table, column, value, hits))
    return found


def test_deleting_a_class_removes_every_row_of_it(server, teachers):
    owner, co = teachers['owner']['token'], teachers['co']
    doomed = make_class(server, 'Doomed', owner)
    kept = make_class(server, 'Kept', owner)
    code = doomed['code']
    assert call(server, 'POST', '/api/v1/classes/%s/teachers' % code, {'teacher': co['id']}, owner)[0] == 204
    export = ok(server, 'GET', '/api/v1/classes/%s/export' % code, token=owner)
    kept_before = ok(server, 'GET', '/api/v1/classes/%s/export' % kept['code'], token=owner)
    kept_analysis = ok(server, 'GET', '/api/v1/classes/%s/analysis' % kept['code'], token=owner)
    db_path = os.path.join(server.data_dir, 'quiz.sqlite')
    ids = [code] + [s['id'] for s in export['students']] + [a['id'] for a in export['assignments']]
    assert rows_mentioning(db_path, ids), 'the class is in the file before the delete'

    # Only the owner (or the administrator) may: a co-teacher and strangers may not.
    assert call(server, 'DELETE', '/api/v1/classes/' + code, token=co['token'])[0] == 403
    assert call(server, 'DELETE', '/api/v1/classes/' + code, token=teachers['other']['token'])[0] == 403
    for token in (None, 'not-a-token', doomed['ada']['token']):
        status, _, headers = call(server, 'DELETE', '/api/v1/classes/' + code, token=token)
        assert status == 401 and headers['WWW-Authenticate'] == 'Bearer'
    assert call(server, 'DELETE', '/api/v1/classes/ZZZZZZ', token=owner)[0] == 404

    status, body, _ = call(server, 'DELETE', '/api/v1/classes/' + code.lower(), token=owner)
    assert status == 204 and body == b''

    # Gone from the API: the class, its routes, its students' tokens.
    for path in ('', '/results', '/analysis', '/export', '/students'):
        assert call(server, 'GET', '/api/v1/classes/%s%s' % (code, path), token=owner)[0] == 404, path
    assert code not in [c['code'] for c in ok(server, 'GET', '/api/v1/classes', token=owner)['classes']]
    assert call(server, 'GET', '/api/v1/me/attempts', token=doomed['ada']['token'])[0] == 401
    status, _, _ = call(server, 'POST', '/api/v1/questions/%s/attempts' % doomed['predict']['id'],
                        {'output': '1\n'}, doomed['ada']['token'])
    assert status == 401
    assert call(server, 'DELETE', '/api/v1/classes/' + code, token=owner)[0] == 404

    # Gone from the file: no row of any table holds the class's code, a student's id or an assignment's id, and
    # no attempt of theirs is left.
    assert rows_mentioning(db_path, ids) == []
    attempt_ids = [a['id'] for a in export['attempts']]
    with sqlite3.connect(db_path) as db:
        marks = ','.join('?' * len(attempt_ids))
        assert db.execute('SELECT COUNT(*) FROM attempts WHERE id IN (%s)' % marks, attempt_ids).fetchone()[0] == 0
        assert db.execute('SELECT COUNT(*) FROM task_outcomes WHERE attempt_id IN (%s)' % marks,
                          attempt_ids).fetchone()[0] == 0
        assert db.execute('PRAGMA foreign_key_check').fetchall() == []
        assert db.execute('PRAGMA integrity_check').fetchone()[0] == 'ok'

    # The other class is untouched.
    kept_after = ok(server, 'GET', '/api/v1/classes/%s/export' % kept['code'], token=owner)
    assert {k: v for k, v in kept_after.items() if k != 'exported_at'} == \
        {k: v for k, v in kept_before.items() if k != 'exported_at'}
    assert ok(server, 'GET', '/api/v1/classes/%s/analysis' % kept['code'], token=owner) == kept_analysis


def test_the_administrator_deletes_any_class(server, teachers):
    mine = make_class(server, 'Admin deletes', teachers['owner']['token'])
    assert call(server, 'DELETE', '/api/v1/classes/' + mine['code'], token=TEACHER_TOKEN)[0] == 204
    own = ok(server, 'POST', '/api/v1/classes', {'name': 'Admin own'}, TEACHER_TOKEN, 201)['code']
    assert call(server, 'DELETE', '/api/v1/classes/' + own, token=TEACHER_TOKEN)[0] == 204
    assert call(server, 'GET', '/api/v1/classes/' + own, token=TEACHER_TOKEN)[0] == 404
