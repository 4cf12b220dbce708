"""Question data is checked whole before anything runs (grader/grader_spec.py): a misspelled or missing key is the
bank's fault, answered as verdict `error` with a message naming the question, the task, the check and the key; and
docs/question.schema.json says exactly what the engine accepts."""
import copy
import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import GRADER

ROOT = os.path.abspath(os.path.join(GRADER, '..'))
sys.path.insert(0, os.path.join(ROOT, 'bank'))
sys.path.insert(0, os.path.join(ROOT, 'docs'))
import build  # noqa: E402
import grader_spec as S  # noqa: E402
from grader_messages import MESSAGES  # noqa: E402

SRC = os.path.join(ROOT, 'bank', 'builtin', 'code-fetch-all')
BASE = json.load(open(os.path.join(SRC, 'question.json')))
T0 = "question 'code-fetch-all': task 'three calls with different delays'"
SOLUTION = open(os.path.join(SRC, 'solution.py')).read()


def _t0(d):
    return d['tasks'][0]


def _check(d, name):
    return next(c for c in _t0(d)['checks'] if c['check'] == name)


# (mutation of code-fetch-all's question.json, the exact start of the message it must give)
BAD = {
    'check_option': (lambda d: _check(d, 'calls').update(cuont=1),
                     T0 + ": check 'calls': unknown option 'cuont' (known: args, count, helper, hint, not_before, "
                          "once_each, status, status_calls_args"),
    'check_option_flag': (lambda d: _check(d, 'calls').update(once_eachh=True),
                          T0 + ": check 'calls': unknown option 'once_eachh' (known: args, count,"),
    'missing_option': (lambda d: _check(d, 'finishes_by').update(bi=_check(d, 'finishes_by').pop('by')),
                       T0 + ": check 'finishes_by': unknown option 'bi' (known: by, hint, plus,"),
    'missing_required': (lambda d: _check(d, 'finishes_by').pop('by'),
                         T0 + ": check 'finishes_by': missing option 'by'"),
    'helper_key': (lambda d: _t0(d)['helpers']['fetch'].update(delay=_t0(d)['helpers']['fetch'].pop('delays')),
                   T0 + ": helper 'fetch': unknown key 'delay' with 'items' (known: delays, error, fail, items, kind, "
                        "proxy, results)"),
    'task_key': (lambda d: _t0(d).update(hiden=True),
                 T0 + ": unknown key 'hiden' (known: args, checks, helpers, hidden,"),
    'use': (lambda d: _t0(d).update(use='awiat'), T0 + ": use 'awiat' is not one of await, run,"),
    'opts_key': (lambda d: _t0(d).update(opts={'cancel_att': 1}),
                 T0 + ": 'opts' (use 'await'): unknown key 'cancel_att' (known: cancel_at, concurrent)"),
    'question_key': (lambda d: d.update(helperz={}), "question 'code-fetch-all': unknown key 'helperz'"),
    'message_key': (lambda d: d.update(messages={'late.sequental': 'x'}),
                    "question 'code-fetch-all': 'messages': unknown message key 'late.sequental'"),
    'unknown_check': (lambda d: _t0(d)['checks'].append({'check': 'finished_by', 'by': 1}),
                      T0 + ": check 'finished_by': unknown check 'finished_by' (known: attr,"),
    'unknown_helper': (lambda d: _check(d, 'calls').update(helper='fetsh'),
                       T0 + ": check 'calls': 'fetsh' is not a call the grader serves in this task (calls: fetch)"),
    'value_expr': (lambda d: _check(d, 'returns').update(value={'$reslts': 'fetch'}),
                   T0 + ": check 'returns': 'value': unknown expression '$reslts' (known in checks: $results,"),
    'item': (lambda d: _check(d, 'returns').update(value=[{'$result': ['fetch', 9]}]),
             T0 + ": check 'returns': 'value': 9 is not one of the items of 'fetch'"),
    'arg_expr': (lambda d: _t0(d)['args'].__setitem__(0, {'$helpr': 'fetch'}),
                 T0 + ": 'args': unknown expression '$helpr' (known in args and opts: $helper,"),
    'status_value': (lambda d: _check(d, 'finishes_by').update(status='not_concurent'),
                     T0 + ": check 'finishes_by': 'status' is 'not_concurent', not one of wrong_answer,"),
    'topic': (lambda d: d.update(topic='task'), "question 'code-fetch-all': topic 'task' is not one of awaitables,"),
    'relation_option': (lambda d: _check(d, 'returns').update(tol=0.1),
                        T0 + ": check 'returns': option 'tol' is not used with relation 'equals' (it uses: value)"),
    # fresh variants (grader_vary): the draws of `vary` and the references to them
    'vary_generator': (lambda d: _t0(d)['vary'].update(delays={'uniformz': [3, 0.5, 3.0]}),
                       T0 + ": vary 'delays': unknown generator 'uniformz' (known: add, at, choice, concat, index, "
                            "insert, int, len, max, min, range, repeat, sample, shuffle, sorted, sum, uniform, "
                            "uniforms)"),
    'vary_two_generators': (lambda d: _t0(d)['vary'].update(delays={'uniforms': [3, 0.5, 3.0], 'shuffle': [1]}),
                            T0 + ": vary 'delays': needs exactly one generator (known: add, at,"),
    'vary_arity': (lambda d: _t0(d)['vary'].update(delays={'uniforms': [0.5, 3.0]}),
                   T0 + ": vary 'delays': 'uniforms' should be [n, lo, hi]: a list of n numbers, each lo <= x <= hi"),
    'vary_range': (lambda d: _t0(d)['vary'].update(n={'int': [6, 3]}),
                   T0 + ": vary 'n': 'int' should be [lo, hi] (integers) with lo <= hi, not [6, 3]"),
    'vary_sample_too_many': (lambda d: _t0(d)['vary'].update(items={'sample': ['$pool', 100]}),
                             T0 + ": vary 'items': 'sample' should be [list, k] with 0 <= k <= the length of list, "
                                  "not [[1, 2, 3,"),
    'vary_unknown_draw': (lambda d: _t0(d)['vary'].update(delays={'uniforms': ['$n', 0.5, 3.0]}),
                          T0 + ": vary 'delays': \"$n\" names no draw (draws: delays, items, pool)"),
    'vary_circle': (lambda d: _t0(d)['vary'].update(delays={'uniforms': ['$n', 0.5, 3.0]}, n={'len': '$delays'}),
                    T0 + ": vary 'delays': the draws depend on each other in a circle: delays -> n -> delays"),
    'vary_undefined': (lambda d: _t0(d)['args'].__setitem__(1, {'$vary': 'itemz'}),
                       T0 + ": 'args': {\"$vary\": \"itemz\"} names no draw (draws: delays, items, pool)"),
    'vary_template': (lambda d: _t0(d).update(passed='Returned after {at}, for {$itemz}.'),
                      T0 + ": 'passed': '{$itemz}' names no draw (draws: delays, items, pool)"),
    'vary_fixed_name': (lambda d: _t0(d).update(name='three calls {$items}'),
                        "question 'code-fetch-all': task 'three calls {$items}': 'name' cannot use draws: it is the "
                        "same in every variant (draws go in: helpers, args, opts, checks, passed, messages, tokens, "
                        "vlimit)"),
    'vary_draw_name': (lambda d: _t0(d)['vary'].update({'my-items': {'int': [1, 2]}}),
                       T0 + ": vary 'my-items': a draw name is letters, digits and _"),
    'vary_too_large': (lambda d: _t0(d)['vary'].update(big={'repeat': [list(range(1000)), 1000]}),
                       T0 + ": vary 'big': 'repeat' should be [value, n] with 0 <= n <= 1000, n copies within 100000 "
                            "characters, not [[0, 1, 2,"),
    'vary_variant_too_large': (lambda d: (_t0(d)['vary'].update(big={'range': [0, 1000]}),
                                          _t0(d).update(passed='{$big}' * 400)),
                               "question 'code-fetch-all': its draws put more than 1000000 characters into one "
                               "variant"),
    'vary_breaks_a_variant': (lambda d: _t0(d)['vary'].update(delays={'uniforms': [2, 0.5, 3.0]}),
                              T0 + ": helper 'fetch': 'delays' has 2 entries for 3 items (in the variant of seed 0)"),
}


def bad(name):
    d = copy.deepcopy(BASE)
    BAD[name][0](d)
    return d


@pytest.mark.parametrize('name', sorted(BAD))
def test_engine_names_the_mistake(name):
    with pytest.raises(S.DataError) as e:
        S.check_question(bad(name))
    assert str(e.value).startswith(BAD[name][1]), str(e.value)


def test_both_banks_are_valid():
    qs = json.load(open(os.path.join(GRADER, 'code_questions.json')))['questions']
    qs += build.build(os.path.join(ROOT, 'examples', 'async-bootcamp'))
    for q in qs:
        S.check_question(q)


@pytest.mark.parametrize('name', ['check_option', 'missing_required', 'helper_key', 'vary_range', 'vary_undefined'])
def test_grading_answers_error_with_the_message(backend, name):
    """The answer is verdict `error` (the bank's fault), never a task status the student would read as theirs."""
    spec = bad(name)
    r = backend.request({'mode': 'grade', 'question': spec['id'], 'spec': spec, 'code': SOLUTION}, 40)
    assert r['verdict'] == 'error' and r['tasks'] == [], r
    assert r['message'] == "The question's data is not valid: " + str(pytest.raises(S.DataError, S.check_question,
                                                                                      spec).value), r
    assert r['message'].startswith("The question's data is not valid: " + BAD[name][1]), r


QUIZSERVER = os.environ.get('QUIZSERVER', os.path.join(ROOT, '.build', 'debug', 'QuizServer'))


@pytest.mark.parametrize('name', ['check_option', 'missing_required', 'helper_key'])
def test_validate_prints_it_on_the_model_solution_line(tmp_path, name):
    bank = tmp_path / 'bank'
    shutil.copytree(SRC, bank / 'code-fetch-all')
    (bank / 'bank.json').write_text(json.dumps({'questions': ['code-fetch-all']}))
    (bank / 'code-fetch-all' / 'question.json').write_text(json.dumps(bad(name)))
    p = subprocess.run([QUIZSERVER, 'validate', str(bank)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    out = p.stdout + p.stderr
    assert p.returncode != 0, out
    line = next(x for x in out.splitlines() if 'the model solution' in x)
    assert "(error: The question's data is not valid: " + BAD[name][1] in line, out


# ---- the schema says what the engine accepts ----

SCHEMA = json.load(open(os.path.join(ROOT, 'docs', 'question.schema.json')))


def test_schema_is_what_make_schema_writes():
    import make_schema
    assert open(os.path.join(ROOT, 'docs', 'question.schema.json')).read() == make_schema.text()


def test_schema_keys_are_the_engines():
    D = SCHEMA['$defs']
    assert set(SCHEMA['properties']) == set(S.GRADING_KEYS + S.META_KEYS)
    assert SCHEMA['properties']['topic']['enum'] == list(S.TOPICS)
    assert set(D['task']['properties']) == set(S.TASK_KEYS)
    assert set(D['helper']['properties']) == set().union(*map(set, S.HELPER_KEYS.values()))
    assert set(D['messages']['propertyNames']['enum']) == set(MESSAGES) | {'deadlock'}
    for name in S.CHECK_OPTIONS:
        d = D['check_' + name]
        assert d['additionalProperties'] is False
        assert sorted(d['properties']) == S.check_options(name), name
    assert all(x.get("additionalProperties") is False for x in (SCHEMA, D["task"], D["helper"]))


def test_schema_rejects_what_the_engine_rejects():
    import jsonschema  # schemathesis's dependency, installed by the Makefile
    V = jsonschema.Draft202012Validator(SCHEMA)
    for d in (json.load(open(f)) for f in _question_files()):
        assert not list(V.iter_errors(d)), d['id']
    for name in BAD:
        if name in ('unknown_helper', 'item', 'relation_option') or (
                name.startswith('vary_') and name not in ('vary_generator', 'vary_two_generators', 'vary_draw_name')):
            continue                   # names, combinations and the values drawn: the engine's
            continue
        assert list(V.iter_errors(bad(name))), name


def _question_files():
    for src in (os.path.join(ROOT, 'bank', 'builtin'), os.path.join(ROOT, 'examples', 'async-bootcamp')):
        for qid in json.load(open(os.path.join(src, 'bank.json')))['questions']:
            yield os.path.join(src, qid, 'question.json')


def test_authoring_guide_lists_every_message_key_and_topic():
    guide = open(os.path.join(ROOT, 'docs', 'authoring.md')).read()
    for k in MESSAGES:
        assert '`%s`' % k in guide, k
    for t in S.TOPICS:
        assert '`%s`' % t in guide, t
    for c in S.CHECK_OPTIONS:
        assert '`%s`' % c in guide, c
    for s in S.WRONG_STATUSES:
        assert '`%s`' % s in guide, s


def test_the_guides_worked_example_is_valid():
    guide = open(os.path.join(ROOT, 'docs', 'authoring.md')).read()
    block = guide.split('`question.json`:\n```json\n', 1)[1].split('```', 1)[0]
    S.check_question(json.loads(block))


def test_the_guides_variant_example_is_valid():
    """Section 6b's task, in a question with the draw `pool` it uses: valid, and each variant's failing call fails
    first."""
    import grader_vary
    guide = open(os.path.join(ROOT, 'docs', 'authoring.md')).read()
    block = guide.split('## 6b.', 1)[1].split('```json\n', 1)[1].split('```', 1)[0]
    q = {'id': 'guide-variant', 'entry': 'fetch_all_or_fail', 'vary': {'pool': {'range': [1, 100]}},
         'tasks': [json.loads(block)]}
    S.check_question(q)
    for seed in range(50):
        t = grader_vary.resolve_question(q, seed)['tasks'][0]
        fetch = t['helpers']['fetch']
        failing = fetch['fail'][0]
        assert fetch['delays'][fetch['items'].index(failing)] == min(fetch['delays']) == t['checks'][0]['by']
        assert t['checks'][0]['hint'] == 'fetch(%d) failed first, at %s s.' % (
            failing, t['checks'][0]['by'])
