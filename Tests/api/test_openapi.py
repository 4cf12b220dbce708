"""The OpenAPI document the server serves is valid OpenAPI 3.1, and the live server keeps to it: schemathesis
generates requests for every operation (valid and invalid ones) and checks each answer: never a 5xx, a documented
status code, the documented content type, documented headers, and a body that matches the response schema."""
import json
import os
import time

import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate as validate_spec
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_headers_conformance, response_schema_conformance, status_code_conformance)

from live_server import TEACHER_TOKEN, server  # noqa: F401 - `server` is a fixture

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
EXAMPLES = int(os.environ.get('QUIZ_API_EXAMPLES', '25'))    # per operation and mode; more: QUIZ_API_EXAMPLES=200
ATTEMPT_EXAMPLES = 30                                          # the attempts operation may run the sandbox
SEED = 20261125
EXPECTED_OPERATIONS = {
    ('GET', '/healthz'), ('GET', '/readyz'), ('GET', '/openapi.json'), ('GET', '/api/v1/topics'), ('GET', '/api/v1/questions'),
    ('GET', '/api/v1/questions/{id}'), ('GET', '/api/v1/questions/{id}/hints/{n}'),
    ('POST', '/api/v1/questions/{id}/attempts'), ('POST', '/api/v1/students'),
    ('GET', '/api/v1/me/attempts'), ('POST', '/api/v1/classes'), ('GET', '/api/v1/classes'),
    ('GET', '/api/v1/classes/{code}/results'), ('GET', '/api/v1/classes/{code}/results.csv'),
    # The classroom, round 2.
    ('POST', '/api/v1/teachers'), ('GET', '/api/v1/teachers'), ('DELETE', '/api/v1/teachers/{id}'),
    ('POST', '/api/v1/classes/{code}/teachers'), ('GET', '/api/v1/classes/{code}/students'),
    ('DELETE', '/api/v1/classes/{code}/students/{id}'), ('POST', '/api/v1/classes/{code}/students/{id}/readmit'),
    ('GET', '/api/v1/classes/{code}/students/{id}/attempts'), ('POST', '/api/v1/students/readmit'),
    ('POST', '/api/v1/classes/{code}/assignments'), ('GET', '/api/v1/classes/{code}/assignments'),
    ('GET', '/api/v1/classes/{code}/assignments/{id}/results'), ('GET', '/api/v1/me/assignments'),
    ('POST', '/api/v1/me/assignments/{id}/start'),
    ('PUT', '/api/v1/classes/{code}/assignments/{id}'), ('DELETE', '/api/v1/classes/{code}/assignments/{id}'),
    ('PUT', '/api/v1/teachers/me/password'), ('POST', '/api/v1/sessions'), ('DELETE', '/api/v1/sessions'),
    ('GET', '/api/v1/classes/{code}'), ('PATCH', '/api/v1/classes/{code}'), ('POST', '/api/v1/classes/{code}/students'),
    ('POST', '/api/v1/classes/{code}/students/{id}/approve'),
    ('PATCH', '/api/v1/classes/{code}/students/{id}'), ('GET', '/api/v1/classes/{code}/assignments/{id}/results.csv'),
    ('GET', '/api/v1/me/study'), ('POST', '/api/v1/me/study/reviews'), ('POST', '/api/v1/me/study/handover'),
    # Teachers' banks.
    ('POST', '/api/v1/banks'), ('GET', '/api/v1/banks'), ('PUT', '/api/v1/banks/{id}'), ('DELETE', '/api/v1/banks/{id}'),
    # Regrades, round 2.
    ('POST', '/api/v1/classes/{code}/regrades'), ('GET', '/api/v1/classes/{code}/regrades'),
    ('GET', '/api/v1/classes/{code}/regrades/{id}'),
    # Item analysis and the end of a term.
    ('GET', '/api/v1/classes/{code}/analysis'), ('GET', '/api/v1/classes/{code}/export'),
    ('DELETE', '/api/v1/classes/{code}'),
}
TEACHER_OPERATIONS = {('POST', '/api/v1/classes'), ('GET', '/api/v1/classes'),
                      ('GET', '/api/v1/classes/{code}/results'), ('GET', '/api/v1/classes/{code}/results.csv'),
                      ('POST', '/api/v1/teachers'), ('GET', '/api/v1/teachers'), ('DELETE', '/api/v1/teachers/{id}'),
                      ('POST', '/api/v1/classes/{code}/teachers'), ('GET', '/api/v1/classes/{code}/students'),
                      ('DELETE', '/api/v1/classes/{code}/students/{id}'),
                      ('POST', '/api/v1/classes/{code}/students/{id}/readmit'),
                      ('GET', '/api/v1/classes/{code}/students/{id}/attempts'),
                      ('POST', '/api/v1/classes/{code}/assignments'), ('GET', '/api/v1/classes/{code}/assignments'),
                      ('PUT', '/api/v1/classes/{code}/assignments/{id}'),
                      ('DELETE', '/api/v1/classes/{code}/assignments/{id}'),
                      ('GET', '/api/v1/classes/{code}/assignments/{id}/results'),
                      ('PUT', '/api/v1/teachers/me/password'), ('GET', '/api/v1/classes/{code}'),
                      ('PATCH', '/api/v1/classes/{code}'), ('POST', '/api/v1/classes/{code}/students'),
                      ('POST', '/api/v1/classes/{code}/students/{id}/approve'),
                      ('PATCH', '/api/v1/classes/{code}/students/{id}'),
                      ('GET', '/api/v1/classes/{code}/assignments/{id}/results.csv'),
                      ('POST', '/api/v1/banks'), ('GET', '/api/v1/banks'), ('PUT', '/api/v1/banks/{id}'),
                      ('DELETE', '/api/v1/banks/{id}'),
                      ('POST', '/api/v1/classes/{code}/regrades'), ('GET', '/api/v1/classes/{code}/regrades'),
                      ('GET', '/api/v1/classes/{code}/regrades/{id}'),
                      ('GET', '/api/v1/classes/{code}/analysis'), ('GET', '/api/v1/classes/{code}/export'),
                      ('DELETE', '/api/v1/classes/{code}')}
# Deleting a class would end the fixture's class for every operation after it: it gets classes of its own.
DELETE_CLASS = ('DELETE', '/api/v1/classes/{code}')
STUDENT_OPERATIONS = {('GET', '/api/v1/me/attempts'), ('GET', '/api/v1/me/assignments'), ('GET', '/api/v1/me/study'),
                      ('POST', '/api/v1/me/study/reviews'), ('POST', '/api/v1/me/study/handover'),
                      ('POST', '/api/v1/me/assignments/{id}/start')}
# The student's own assignment, by id: starting it must meet a real one, not only 404s.
START_ASSIGNMENT = ('POST', '/api/v1/me/assignments/{id}/start')
GOOD_FETCH_ALL = ('import asyncio\n\nasync def fetch_all(fetch, items):\n'
                  '    return await asyncio.gather(*(fetch(i) for i in items))\n')
SERIAL_FETCH_ALL = 'async def fetch_all(fetch, items):\n    return [await fetch(i) for i in items]\n'


def describe(error):
    if isinstance(error, BaseExceptionGroup):
        return '\n'.join('%s: %s' % (getattr(e, 'title', type(e).__name__), getattr(e, 'message', e))
                         for e in error.exceptions)[:1500]
    return ('%s: %s' % (type(error).__name__, error))[:1500]


def bearer(token):
    return {'Authorization': 'Bearer ' + token}


@pytest.fixture(scope='module')
def document(server):
    status, headers, body = server.request('GET', '/openapi.json')
    assert status == 200
    assert headers['Content-Type'].split(';')[0].strip() == 'application/json'
    return json.loads(body)


@pytest.fixture(scope='module')
def classroom(server):
    """A class with a student who has recorded attempts of every kind, so that the teacher's reports and the
    student's history are not empty when schemathesis reads them."""
    status, _, body = server.request('POST', '/api/v1/classes', {'name': 'API tests'}, bearer(TEACHER_TOKEN))
    assert status == 201, body
    code = json.loads(body)['code']
    status, _, body = server.request('POST', '/api/v1/students', {'name': 'Ada', 'class': code.lower()})
    assert status == 201, body
    student = json.loads(body)
    questions = json.loads(server.request('GET', '/api/v1/questions')[2])['questions']
    status, _, body = server.request('POST', '/api/v1/classes/%s/assignments' % code,
                                     {'title': 'Week 1', 'questions': ['code-fetch-all'],
                                      'opens_at': '2020-01-01T09:00:00+01:00', 'due_at': '2020-01-08T09:00:00Z'},
                                     bearer(TEACHER_TOKEN))
    assert status == 201, body
    return {'code': code, 'student': student, 'questions': questions, 'assignment': json.loads(body)['id']}


def test_document_is_valid_openapi_31(document):
    validate_spec(document)
    assert document['openapi'].startswith('3.1.')


def test_document_describes_every_endpoint(document):
    operations = {(method.upper(), path) for path, item in document['paths'].items()
                  for method in item if method in ('get', 'post', 'put', 'patch', 'delete')}
    assert operations == EXPECTED_OPERATIONS
    schemes = document['components']['securitySchemes']
    assert all(s['type'] == 'http' and s['scheme'] == 'bearer' for s in schemes.values())
    # Every error is a problem document.
    for path, item in document['paths'].items():
        for method, operation in item.items():
            if method == 'parameters':
                continue
            for status, response in operation['responses'].items():
                if status.startswith(('4', '5')):
                    name = response['$ref'].rsplit('/', 1)[-1]
                    media = document['components']['responses'][name]['content']
                    assert list(media) == ['application/problem+json'], (path, method, status)


def test_recorded_examples_match_the_schemas(server, classroom):
    """Answers schemathesis would rarely produce by chance: a code attempt that passes and one that fails with a
    trace, recorded for a student, then the student's history and the class's results."""
    schema = schemathesis.openapi.from_url(server.base + '/openapi.json')
    token = classroom['student']['token']
    by_kind = {}
    for q in classroom['questions']:
        by_kind.setdefault(q['kind'], q)
    attempts = schema['/api/v1/questions/{id}/attempts']['POST']
    bodies = [
        ('code-fetch-all', {'code': GOOD_FETCH_ALL}),
        ('code-fetch-all', {'code': SERIAL_FETCH_ALL}),
        ('code-fetch-all', {'code': 'def ('}),
        (by_kind['single_choice']['id'], {'choices': [by_kind['single_choice']['choices'][0]['id']]}),
        (by_kind['multiple_choice']['id'], {'choices': [c['id'] for c in by_kind['multiple_choice']['choices'][:2]]}),
        (by_kind['predict_output']['id'], {'output': '42\n'}),
    ]
    results = []
    for qid, body in bodies:
        case = attempts.Case(path_parameters={'id': qid}, body=body, media_type='application/json')
        response = case.call_and_validate(base_url=server.base, headers=bearer(token), checks=CHECKS)
        assert response.status_code == 200, response.text
        assert response.headers['x-attempt-recorded'] == ['true']
        results.append(response.json())
    assert results[0]['verdict'] == 'passed' and results[0]['correct'] is True and results[0]['score'] == 1
    assert results[1]['verdict'] == 'failed' and any(t.get('trace') for t in results[1]['tasks'])
    assert results[2]['verdict'] == 'not_gradable'
    assert 'feedback' in results[3] and 'expected' in results[5]

    mine = schema['/api/v1/me/attempts']['GET'].Case()
    response = mine.call_and_validate(base_url=server.base, headers=bearer(token), checks=CHECKS)
    assert [a['question'] for a in response.json()['attempts']] == [qid for qid, _ in reversed(bodies)]
    for path in ('/api/v1/classes/{code}/results', '/api/v1/classes/{code}/results.csv'):
        case = schema[path]['GET'].Case(path_parameters={'code': classroom['code']})
        response = case.call_and_validate(base_url=server.base, headers=bearer(TEACHER_TOKEN), checks=CHECKS)
        assert response.status_code == 200
    assert 'Ada' in response.text


def test_a_served_variant_and_the_answers_to_it_match_the_schemas(server, classroom):
    """A predict-output question with variants: listed without a program, fetched as one variant by a student,
    answered with that variant (200), and with another one (422, a documented problem)."""
    schema = schemathesis.openapi.from_url(server.base + '/openapi.json')
    status, _, body = server.request('POST', '/api/v1/students', {'name': 'Vic', 'class': classroom['code']})
    assert status == 201, body
    token = json.loads(body)['token']
    varied = next(q for q in classroom['questions'] if q.get('variant_count'))
    assert 'code' not in varied
    case = schema['/api/v1/questions/{id}']['GET'].Case(path_parameters={'id': varied['id']})
    shown = case.call_and_validate(base_url=server.base, headers=bearer(token), checks=CHECKS).json()
    assert shown['code'] and shown['variant_count'] == varied['variant_count'] and 0 <= shown['variant'] < shown['variant_count']
    attempts = schema['/api/v1/questions/{id}/attempts']['POST']
    other = (shown['variant'] + 1) % shown['variant_count']
    for variant, expected in ((other, 422), (shown['variant'], 200)):
        case = attempts.Case(path_parameters={'id': varied['id']}, body={'output': 'a guess\n', 'variant': variant},
                             media_type='application/json')
        response = case.call_and_validate(base_url=server.base, headers=bearer(token), checks=CHECKS)
        assert response.status_code == expected, response.text


@pytest.mark.parametrize('name', ['\x00', '\x00abc', 'a\x00b', 'tab\there', 'bell\x07'])
def test_class_names_with_control_characters_are_refused_or_kept_whole(server, name):
    """A class name is 1 to 80 characters; one with a NUL used to be accepted (201, echoed whole) and then read back
    cut at the NUL, down to an empty name. Either refuse it (400, as for student names) or keep it intact."""
    status, _, body = server.request('POST', '/api/v1/classes', {'name': name}, bearer(TEACHER_TOKEN))
    assert status in (201, 400), body
    if status == 400:
        assert json.loads(body)['detail'].startswith('Field "name"')
        return
    created = json.loads(body)
    listed = json.loads(server.request('GET', '/api/v1/classes', headers=bearer(TEACHER_TOKEN))[2])['classes']
    [stored] = [c for c in listed if c['code'] == created['code']]
    assert stored['name'] == created['name'] == name.strip()
    report = json.loads(server.request('GET', '/api/v1/classes/%s/results' % created['code'],
                                      headers=bearer(TEACHER_TOKEN))[2])
    assert report['class']['name'] == name.strip()


def throwaway_classes(server, count):
    """Classes made to be deleted (each with a student who answered), so that DELETE meets real ones."""
    codes = []
    for i in range(count):
        status, _, body = server.request('POST', '/api/v1/classes', {'name': 'Throwaway %d' % i}, bearer(TEACHER_TOKEN))
        assert status == 201, body
        code = json.loads(body)['code']
        status, _, body = server.request('POST', '/api/v1/students', {'name': 'Tmp', 'class': code})
        assert status == 201, body
        codes.append(code)
    return codes


def test_live_server_conforms_to_its_document(server, classroom):
    schema = schemathesis.openapi.from_url(server.base + '/openapi.json')
    real_ids = [q['id'] for q in classroom['questions']]
    choice_ids = [q['id'] for q in classroom['questions'] if q['kind'] != 'code'][:6]
    code_ids = [q['id'] for q in classroom['questions'] if q['kind'] == 'code'][:2]
    student_token = classroom['student']['token']
    session = requests.Session()
    failures = {}
    seen = set()
    calls = {'n': 0}
    started = time.monotonic()

    for result in schema.get_all_operations():
        operation = result.ok()
        key = (operation.method.upper(), operation.path)
        seen.add(key)
        is_attempt = key == ('POST', '/api/v1/questions/{id}/attempts')
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            # Real ids now and then, so that the answers are not all 404: choice and output questions often,
            # code questions seldom (each is a sandbox run).
            # Routes of a class with an id too (a student, an assignment): the real class, and real ids, often.
            in_class = {'code', 'id'} <= {p.name for p in operation.path_parameters}
            if in_class:
                pool = [classroom['student']['id'], classroom['assignment']] + real_ids[:2]
                override = st.one_of(st.none(), st.sampled_from(pool))
            elif key == START_ASSIGNMENT:
                override = st.one_of(st.none(), st.just(classroom['assignment']))
            elif 'id' in {p.name for p in operation.path_parameters}:
                pool = (choice_ids * 3 + code_ids) if is_attempt else real_ids
                override = st.one_of(st.none(), st.sampled_from(pool))
            elif key == DELETE_CLASS:
                override = st.one_of(st.none(), st.sampled_from(throwaway_classes(server, 3)))
            elif 'code' in {p.name for p in operation.path_parameters}:
                override = st.one_of(st.none(), st.just(classroom['code']), st.just(classroom['code'].lower()))
            else:
                override = st.none()
            limit = ATTEMPT_EXAMPLES if is_attempt else EXAMPLES

            @settings(max_examples=limit, deadline=None, database=None, derandomize=False, print_blob=False,
                      phases=[Phase.explicit, Phase.generate],
                      suppress_health_check=list(HealthCheck))
            @hypothesis.seed(SEED)
            @given(case=operation.as_strategy(generation_mode=mode), value=override, as_student=st.booleans(),
                   real_class=st.booleans())
            def run(case, value, as_student, real_class):
                if in_class and real_class:
                    case.path_parameters = {**(case.path_parameters or {}), 'code': classroom['code']}
                if value is not None:
                    name = 'id' if 'id' in (case.path_parameters or {}) else 'code'
                    case.path_parameters = {**(case.path_parameters or {}), name: value}
                headers = {}
                if key in TEACHER_OPERATIONS:
                    headers = bearer(TEACHER_TOKEN)
                elif key in STUDENT_OPERATIONS or (is_attempt and as_student):
                    headers = bearer(student_token)
                calls['n'] += 1
                try:
                    case.call_and_validate(base_url=server.base, session=session, headers=headers, checks=CHECKS,
                                           timeout=30)
                except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - collected, reported at the end
                    text = describe(error)
                    kind = (key, mode.value, text.split('\n')[0][:300])
                    if kind not in failures:        # one report per operation, mode and kind of failure
                        failures[kind] = '%s %s [%s]\n%s\n%s' % (key[0], key[1], mode.value,
                                                                case.as_curl_command(), text)

            try:
                run()
            except hypothesis.errors.Unsatisfiable:
                # Nothing to make invalid: an operation without parameters or body has no negative cases.
                assert mode is GenerationMode.NEGATIVE, key
    elapsed = time.monotonic() - started
    print('schemathesis: %d requests in %.1f s' % (calls['n'], elapsed))
    assert not failures, '%d distinct failures:\n\n%s' % (len(failures), '\n\n'.join(list(failures.values())[:20]))
    # Schemathesis leaves out the operation that serves the schema itself; the first test covers it.
    assert seen | {('GET', '/openapi.json')} == EXPECTED_OPERATIONS
    # The server is still up and well.
    assert server.request('GET', '/healthz')[0] == 200
    assert server.proc.poll() is None
