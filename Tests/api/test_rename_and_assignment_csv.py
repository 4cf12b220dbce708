"""The teacher renames a student (a name taken by the wrong person): the token and attempts stay theirs, a name
another student has is 409; and an assignment's results as CSV, with the late column."""
import csv
import io

from live_server import server  # noqa: F401 - `server` is a fixture
from test_classroom import (call, choice_questions, create_assignment, join, new_teacher, ok, rfc3339)


def test_a_teacher_renames_a_student_who_keeps_their_token_and_attempts(server):
    teacher = new_teacher(server, 'Rename T')
    code = ok(server, 'POST', '/api/v1/classes', {'name': 'Rename'}, teacher['token'], 201)['code']
    (question, right, _), = choice_questions(1)
    wrong_name = join(server, code, 'Alice')       # not the real Alice
    ok(server, 'POST', '/api/v1/questions/%s/attempts' % question, {'choices': [right]}, wrong_name['token'])
    path = '/api/v1/classes/%s/students/%s' % (code, wrong_name['id'])
    renamed = ok(server, 'PATCH', path, {'name': '  Alicia B  '}, teacher['token'])
    assert renamed == {'id': wrong_name['id'], 'name': 'Alicia B', 'removed': False, 'pending': False}
    # The real Alice can join now; the renamed student's token and attempts are theirs.
    alice = join(server, code, 'alice')
    assert alice['id'] != wrong_name['id']
    mine = ok(server, 'GET', '/api/v1/me/attempts', token=wrong_name['token'])['attempts']
    assert len(mine) == 1
    names = sorted(s['name'] for s in ok(server, 'GET', '/api/v1/classes/%s/students' % code,
                                          token=teacher['token'])['students'])
    assert names == ['Alicia B', 'alice']
    # Taken (case-insensitively), empty, unknown student, not JSON.
    status, problem, _ = call(server, 'PATCH', path, {'name': 'ALICE'}, teacher['token'])
    assert status == 409 and problem['status'] == 409
    status, problem, _ = call(server, 'PATCH', path, {'name': '   '}, teacher['token'])
    assert status == 400 and 'name' in problem['detail']
    assert call(server, 'PATCH', '/api/v1/classes/%s/students/nobody' % code, {'name': 'X'}, teacher['token'])[0] == 404
    status, _, _ = call(server, 'PATCH', path, {'nom': 'X'}, teacher['token'])
    assert status == 400


def test_an_assignments_results_come_as_csv_with_the_late_questions(server):
    teacher = new_teacher(server, 'CSV T')
    code = ok(server, 'POST', '/api/v1/classes', {'name': 'CSV'}, teacher['token'], 201)['code']
    (q_late, right_late, _), (q_open, right_open, wrong_open) = choice_questions(2)
    status, past = create_assignment(server, teacher, code, questions=[q_late, q_open], opens_at=rfc3339(-7200),
                                     due_at=rfc3339(-3600))[:2]
    assert status == 201
    ada = join(server, code, '=cmd|calc')          # a name a spreadsheet would run
    bob = join(server, code, 'Bob, Jr.')
    ok(server, 'POST', '/api/v1/questions/%s/attempts' % q_late, {'choices': [right_late]}, ada['token'])
    ok(server, 'POST', '/api/v1/questions/%s/attempts' % q_open, {'choices': [wrong_open]}, bob['token'])
    status, headers, raw = server.request('GET', '/api/v1/classes/%s/assignments/%s/results.csv' % (code, past['id']),
                                          headers={'Authorization': 'Bearer ' + teacher['token']})
    assert status == 200 and headers['Content-Type'].startswith('text/csv')
    assert headers['Content-Disposition'] == 'attachment; filename="results-%s-%s.csv"' % (code, past['id'])
    text = raw.decode()
    assert text.endswith('\r\n') and '\r\n' in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ['student', q_late, q_open, 'total', 'late']
    by_name = {r[0]: r[1:] for r in rows[1:]}
    assert by_name["'=cmd|calc"] == ['1', '', '1', q_late]
    assert by_name['Bob, Jr.'] == ['', '0', '0', q_open]
    assert call(server, 'GET', '/api/v1/classes/%s/assignments/nope/results.csv' % code, token=teacher['token'])[0] == 404
