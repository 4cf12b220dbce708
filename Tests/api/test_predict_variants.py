"""Variants of predict-output questions over real HTTP (issue 17, "fresh variants"): the same lesson with other
numbers in the program, each variant with its own key.

- Anonymous callers get a random variant per fetch; every served program, run here, prints what the server grades
  as right for it; an answer without `variant` is graded against variant 0.
- A student gets the variant picked from (their id, the question, their attempts on it): stable across reloads;
  an attempt naming another variant is 422, one naming none is graded against variant 0 (the contract's body);
  after an attempt the pick moves on.
- An answer copied from a classmate who got another variant is wrong.
- No list shows a variant's program or any key; the teacher reads the program a student answered.
- A regrade grades each attempt against the variant it answered.
"""
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from live_server import REPO, TEACHER_TOKEN, wait_for_regrade
from live_server import server  # noqa: F401 - `server` is a fixture
from test_classroom import attempt, call, join, new_teacher, ok

FETCHES = 80  # random picks per question: a variant of 4 missed in all of them has odds 4 * (3/4)^80 < 1e-9


def varied():
    with open(os.path.join(REPO, 'questions.json')) as f:
        found = [q for q in json.load(f)['questions'] if q['kind'] == 'predict_output' and q.get('variants')]
    assert len(found) >= 12, 'the bank has %d predict-output questions with variants' % len(found)
    return found


def plain_predict():
    with open(os.path.join(REPO, 'questions.json')) as f:
        return next(q for q in json.load(f)['questions'] if q['kind'] == 'predict_output' and not q.get('variants'))


def norm(text):
    return '\n'.join(line.rstrip() for line in text.split('\n')).rstrip()


def printed(code):
    run = subprocess.run([sys.executable, '-I', '-c', code], capture_output=True, text=True, timeout=30, cwd='/tmp')
    assert run.returncode == 0 and not run.stderr.strip(), run.stderr
    return norm(run.stdout)


def fnv_pick(student_id, question_id, attempts, count):
    """The server's pick (`VariantAssignment.pick`): FNV-1a 64 of `id NUL question NUL attempts`, modulo count."""
    h = 0xcbf29ce484222325
    for byte in ('%s\0%s\0%d' % (student_id, question_id, attempts)).encode():
        h = ((h ^ byte) * 0x100000001b3) % (1 << 64)
    return h % count


def fetch(server, qid, token=None):
    status, body, headers = call(server, 'GET', '/api/v1/questions/%s' % qid, token=token)
    assert status == 200, body
    assert 'answer' not in body and 'variants' not in body and 'explanation' not in body
    return body, headers


def new_class(server, name):
    teacher = new_teacher(server, name + ' T')
    code = ok(server, 'POST', '/api/v1/classes', {'name': name}, teacher['token'], 201)['code']
    return teacher, code


def test_anonymous_fetches_serve_every_variant_and_the_server_grades_each_by_its_own_program(server):
    questions = varied()
    served = {}
    for q in questions:
        seen = {}
        for _ in range(FETCHES):
            body, headers = fetch(server, q['id'])
            assert body['variant_count'] == len(q['variants']) and headers.get('Cache-Control') == 'no-store'
            seen[body['variant']] = body['code']
            if len(seen) == len(q['variants']):
                break
        assert sorted(seen) == list(range(len(q['variants']))), (q['id'], sorted(seen))
        for n, code in seen.items():
            assert code == q['variants'][n]['code'], (q['id'], n)
        served[q['id']] = seen
    assert len(served) >= 12

    # Each served program, run here, prints what the server grades as right for that variant, and no other.
    jobs = [(qid, n, code) for qid, seen in served.items() for n, code in seen.items()]
    with ThreadPoolExecutor(max_workers=2) as pool:
        outputs = list(pool.map(lambda job: printed(job[2]), jobs))
    for (qid, n, _), output in zip(jobs, outputs):
        status, result, _ = attempt(server, qid, {'output': output, 'variant': n})
        assert status == 200 and result['verdict'] == 'passed', (qid, n, result)
        assert norm(result['expected']) == output
        other = (n + 1) % len(served[qid])
        status, result, _ = attempt(server, qid, {'output': output, 'variant': other})
        assert status == 200 and result['verdict'] == 'failed', (qid, n, other, result)


def test_an_anonymous_answer_without_variant_is_graded_against_variant_0(server):
    q = varied()[0]
    first, second = q['variants'][0], q['variants'][1]
    status, result, _ = attempt(server, q['id'], {'output': first['answer']})
    assert status == 200 and result['verdict'] == 'passed' and result['expected'] == first['answer']
    status, result, _ = attempt(server, q['id'], {'output': second['answer']})
    assert status == 200 and result['verdict'] == 'failed' and result['expected'] == first['answer']
    # The feedback is the answered variant's: its key and its explanation.
    status, result, _ = attempt(server, q['id'], {'output': 'nothing', 'variant': 1})
    assert status == 200 and result['expected'] == second['answer']
    assert result['explanation'] == second.get('explanation', q['explanation'])


def test_a_variant_that_does_not_exist_is_400_naming_the_field(server):
    q = varied()[0]
    for bad in (len(q['variants']), -1):
        status, problem, headers = attempt(server, q['id'], {'output': 'x', 'variant': bad})
        assert status == 400 and headers['Content-Type'].startswith('application/problem+json'), problem
        assert '"variant"' in problem['detail']
    status, problem, _ = attempt(server, q['id'], {'output': 'x', 'variant': 'one'})
    assert status == 400 and 'variant' in problem['detail'], problem
    plain = plain_predict()
    status, problem, _ = attempt(server, plain['id'], {'output': plain['answer'], 'variant': 1})
    assert status == 400 and '"variant"' in problem['detail'] and 'no variants' in problem['detail'], problem
    status, result, _ = attempt(server, plain['id'], {'output': plain['answer'], 'variant': 0})
    assert status == 200 and result['verdict'] == 'passed'


def test_a_student_is_served_a_stable_variant_and_must_answer_that_one(server):
    teacher, code = new_class(server, 'Variants')
    ada = join(server, code, 'Ada Variant')
    q = varied()[1]
    n = len(q['variants'])
    body, _ = fetch(server, q['id'], ada['token'])
    assigned = body['variant']
    assert assigned == fnv_pick(ada['id'], q['id'], 0, n)
    assert body['code'] == q['variants'][assigned]['code']
    for _ in range(3):  # a reload shows the same program
        assert fetch(server, q['id'], ada['token'])[0]['variant'] == assigned

    # Another variant: 422, a problem document naming the field; nothing is recorded.
    wrong = (assigned + 1) % n
    status, problem, headers = attempt(server, q['id'], {'output': q['variants'][wrong]['answer'], 'variant': wrong},
                                       ada['token'])
    assert status == 422 and headers['Content-Type'].startswith('application/problem+json'), problem
    assert 'variant' in problem['detail'] and str(assigned) in problem['detail']
    assert ok(server, 'GET', '/api/v1/me/attempts', token=ada['token'])['attempts'] == []
    assert fetch(server, q['id'], ada['token'])[0]['variant'] == assigned

    # The served one: graded against its key, and recorded with the variant in the answer as sent.
    status, result, headers = attempt(server, q['id'], {'output': q['variants'][assigned]['answer'],
                                                        'variant': assigned}, ada['token'])
    assert status == 200 and result['verdict'] == 'passed' and headers['X-Attempt-Recorded'] == 'true', result
    assert result['expected'] == q['variants'][assigned]['answer']
    # The next attempt's pick: from one attempt made.
    again = fetch(server, q['id'], ada['token'])[0]['variant']
    assert again == fnv_pick(ada['id'], q['id'], 1, n)

    # The teacher sees the variant with the attempt, and reads that program.
    path = '/api/v1/classes/%s/students/%s/attempts?question=%s' % (code, ada['id'], q['id'])
    [made] = ok(server, 'GET', path, token=teacher['token'])['attempts']
    assert made['answer'] == {'output': q['variants'][assigned]['answer'], 'variant': assigned}
    shown = ok(server, 'GET', '/api/v1/questions/%s?variant=%d' % (q['id'], assigned), token=teacher['token'])
    assert shown['variant'] == assigned and shown['code'] == q['variants'][assigned]['code']
    # Only a teacher picks: a student or an anonymous caller asking for one is 403; no such variant is 400.
    status, problem, _ = call(server, 'GET', '/api/v1/questions/%s?variant=0' % q['id'], token=ada['token'])
    assert status == 403, problem
    status, problem, _ = call(server, 'GET', '/api/v1/questions/%s?variant=0' % q['id'])
    assert status == 403, problem
    status, problem, _ = call(server, 'GET', '/api/v1/questions/%s?variant=%d' % (q['id'], n), token=TEACHER_TOKEN)
    assert status == 400 and '"variant"' in problem['detail'], problem


def test_an_answer_copied_from_a_classmate_with_another_variant_is_wrong(server):
    _, code = new_class(server, 'Copying')
    q = varied()[2]
    n = len(q['variants'])
    students = [join(server, code, 'Copy %d' % i) for i in range(12)]
    served = {s['id']: fetch(server, q['id'], s['token'])[0]['variant'] for s in students}
    assert len(set(served.values())) >= 2, 'twelve students all got one variant of %d' % n
    ada = students[0]
    bob = next(s for s in students if served[s['id']] != served[ada['id']])
    status, mine, _ = attempt(server, q['id'], {'output': q['variants'][served[ada['id']]]['answer'],
                                                'variant': served[ada['id']]}, ada['token'])
    assert status == 200 and mine['verdict'] == 'passed'
    status, copied, _ = attempt(server, q['id'], {'output': q['variants'][served[ada['id']]]['answer'],
                                                  'variant': served[bob['id']]}, bob['token'])
    assert status == 200 and copied['verdict'] == 'failed' and copied['score'] == 0, copied


def test_no_list_shows_a_variants_program_or_any_key(server):
    teacher, code = new_class(server, 'Lists')
    ada = join(server, code, 'Ada Lists')
    questions = varied()
    for path, token in (('/api/v1/questions', None), ('/api/v1/questions?kind=predict_output', None),
                        ('/api/v1/questions?class=%s' % code, ada['token']),
                        ('/api/v1/questions?class=%s' % code, teacher['token'])):
        status, raw, _ = call(server, 'GET', path, token=token)
        assert status == 200
        listed = {q['id']: q for q in raw['questions']}
        text = json.dumps(raw)
        for q in questions:
            entry = listed[q['id']]
            assert 'code' not in entry and 'variant' not in entry, (path, q['id'])
            assert entry['variant_count'] == len(q['variants'])
            for v in q['variants']:
                assert json.dumps(v['code'])[1:-1] not in text, (path, q['id'])
        assert all('answer' not in e and 'variants' not in e for e in raw['questions'])
    plain = plain_predict()
    status, raw, _ = call(server, 'GET', '/api/v1/questions?kind=predict_output')
    assert next(e for e in raw['questions'] if e['id'] == plain['id'])['code'] == plain['code']


def test_a_regrade_grades_each_attempt_against_the_variant_it_answered(server):
    _, code = new_class(server, 'Regrade variants')
    q = varied()[3]
    students = [join(server, code, 'Regrade %d' % i) for i in range(6)]
    served = {}
    for s in students:
        v = fetch(server, q['id'], s['token'])[0]['variant']
        served[s['id']] = v
        status, result, _ = attempt(server, q['id'], {'output': q['variants'][v]['answer'], 'variant': v}, s['token'])
        assert status == 200 and result['verdict'] == 'passed'
    assert any(v != 0 for v in served.values()), 'no student got a variant other than 0'
    started = ok(server, 'POST', '/api/v1/classes/%s/regrades' % code, {'question': q['id']}, TEACHER_TOKEN, 202)
    report = wait_for_regrade(server, code, started['id'], timeout=30)
    assert report['total'] == len(students) and report['changes'] == [], report


def test_a_resent_answer_with_its_idempotency_key_is_replayed_not_refused(server):
    """After a recorded attempt the student's pick moves on; the same answer sent again with its key (a retry after a
    lost response) must get the first answer back, not a 422 for the variant that is no longer the next one."""
    _, code = new_class(server, 'Replays')
    ada = join(server, code, 'Ada Replay')
    q = varied()[4]
    v = fetch(server, q['id'], ada['token'])[0]['variant']
    body = {'output': q['variants'][v]['answer'], 'variant': v}
    headers = {'Authorization': 'Bearer ' + ada['token'], 'Idempotency-Key': 'variant-replay-1'}
    results = []
    for _ in range(2):
        status, response_headers, raw = server.request('POST', '/api/v1/questions/%s/attempts' % q['id'], body, headers)
        assert status == 200, raw
        results.append((json.loads(raw), response_headers.get('Idempotent-Replayed')))
    assert results[0][0] == results[1][0] and results[0][0]['verdict'] == 'passed'
    assert results[1][1] == 'true'
    assert len(ok(server, 'GET', '/api/v1/me/attempts', token=ada['token'])['attempts']) == 1


def test_a_key_kept_back_until_due_is_kept_back_for_every_variant(server):
    teacher, code = new_class(server, 'Key policy')
    ada = join(server, code, 'Ada Key')
    q, shown = varied()[5], varied()[6]
    now = time.time()
    stamp = lambda t: time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(t))  # noqa: E731
    for title, question, key in (('Hidden', q, 'after_due'), ('Shown', shown, 'now')):
        ok(server, 'POST', '/api/v1/classes/%s/assignments' % code,
           {'title': title, 'questions': [question['id']], 'opens_at': stamp(now - 60), 'due_at': stamp(now + 3600),
            'key': key}, teacher['token'], 201)
    v = fetch(server, q['id'], ada['token'])[0]['variant']
    status, result, headers = attempt(server, q['id'], {'output': 'no idea', 'variant': v}, ada['token'])
    assert status == 200 and result['verdict'] == 'failed' and 'X-Key-Hidden-Until' in headers, result
    assert 'expected' not in result and not result.get('explanation'), result
    v = fetch(server, shown['id'], ada['token'])[0]['variant']
    status, result, _ = attempt(server, shown['id'], {'output': 'no idea', 'variant': v}, ada['token'])
    assert status == 200 and result['expected'] == shown['variants'][v]['answer'], result
    assert result['explanation'] == shown['variants'][v].get('explanation', shown['explanation'])


def test_a_students_answer_naming_no_variant_is_graded_against_variant_0_as_the_contract_body(server):
    """`{"output": …}` with a student's token, as the contract has it: the bank's own key (variant 0's) is right, and
    the attempt is recorded; another variant's key is wrong."""
    teacher, code = new_class(server, 'Variants, plain bodies')
    ada = join(server, code, 'Ada Plain')
    q = varied()[2]
    status, result, headers = attempt(server, q['id'], {'output': q['answer']}, ada['token'])
    assert status == 200 and result['verdict'] == 'passed' and headers['X-Attempt-Recorded'] == 'true', result
    status, result, _ = attempt(server, q['id'], {'output': q['variants'][1]['answer']}, ada['token'])
    assert status == 200 and result['verdict'] == 'failed', result
    assert len(ok(server, 'GET', '/api/v1/me/attempts', token=ada['token'])['attempts']) == 2
