"""Writes docs/question.schema.json from the engine's own tables (grader/grader_spec.py: every key, option and
expression the engine accepts) and the descriptions below. Run it after changing grader_spec.py:
    python3 docs/make_schema.py
Tests/grader/test_spec.py checks that the file is what this writes."""
import json, os, sys
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'grader'))
import grader_spec as S
import grader_vary as GV
from grader_messages import MESSAGES

VAL = {"$ref": "#/$defs/value"}
NUMV = {"anyOf": [{"type": "number"}, {"$ref": "#/$defs/value_expr"}]}
STATUS = {"enum": list(S.CHECK_STATUSES)}
def obj(props, req=(), desc=None, strict=True):
    d = {'type': 'object'}
    if desc: d['description'] = desc
    if req: d['required'] = list(req)
    d['properties'] = props
    if strict: d['additionalProperties'] = False
    return d

S_ = {'type': 'string'}
VARY_REF = {"$ref": "#/$defs/vary_ref"}
def VR(d):
    """d, or a reference to a draw of the task's (or question's) `vary` ({"$vary": name})."""
    d = dict(d)
    desc = d.pop('description', None)
    out = {'anyOf': [d, VARY_REF]}
    if desc:
        out['description'] = desc
    return out
def v(desc, base=None, **kw):
    d = dict(base or {}); d['description'] = desc; d.update(kw); return d

OPT = {
 'calls': {
   'helper': v('the call counted (a helper, or one of its functions)', {"type": "string"}),
   'once_each': v('every item of the helper (it needs `items`) is called exactly once (calls.never, calls.twice)', {"type": "boolean"}),
   'count': v('exactly this many calls (calls.count)', NUMV),
   'args': v("every call's argument list equals this list (calls.args)", VAL),
   'not_before': v('no call starts before this virtual time (calls.early): makes a too-early start observable', NUMV),
   'status': v('the status of every failure of this check (default wrong_answer)', STATUS)},
 'finishes_by': {
   'by': v('the time by which the task must be done: seconds, a value expression, or {"max_delay": helper} / {"min_delay": helper} (the longest / shortest delay the grader gave that helper\'s calls in this run)', {'anyOf': [{'type': 'number'}, {'$ref': '#/$defs/value_expr'}, obj({'max_delay': S_}, ['max_delay']), obj({'min_delay': S_}, ['min_delay'])]}),
   'plus': v('added to `by` (default 0)', {"type": "number"}),
   'tol': v('how much later than `by` is still in time (default 1e-6: times are exact on the virtual clock)', {"type": "number", "minimum": 0}),
   'status': v('the status when late (default not_concurrent)', STATUS),
   'sequential_status': v('the status when late and the calls never overlapped (late.sequential; default: `status`)', STATUS)},
 'returns': {
   'relation': v('how the returned value is compared (default equals)', {"enum": list(S.RELATIONS)}),
   'value': v('equals / close: the expected value', VAL),
   'tol': v('close: the largest difference allowed (default 0.001)', {"type": "number", "minimum": 0}),
   'lo': v('within: the smallest value allowed (inclusive)', NUMV), 'hi': v('within: the largest value allowed (inclusive)', NUMV),
   'helper': v("completion_order: the helper whose calls' values must all be returned, in the order they finished", {"type": "string"})},
 'returns_task': {},
 'in_flight': {
   'helper': v('the call counted', {"type": "string"}),
   'peak': v('at some moment at least this many calls were in flight at once (inflight.peak)', NUMV),
   'max': v('never more than this many calls in flight (inflight.max)', NUMV),
   'keep': v('with `max`: never fewer than `max` in flight while items still wait to start (inflight.keep, not_concurrent)', {"type": "boolean"}),
   'status': v('the status of a too-low peak (default not_concurrent)', STATUS)},
 'left_running': {'helper': v('no call of it may still be running when the entry returned (not_cancelled)', {"type": "string"})},
 'none_cancelled': {'helper': v('no call of it may be cancelled', {"type": "string"})},
 'raises': {
   'type': v('the exception class name the entry must raise, e.g. TimeoutError', {"type": "string"}),
   'error_of': v('[helper, item]: the very exception the grader injected into that call (the item must be in the helper\'s `fail`)', {"type": "array", "minItems": 2, "maxItems": 2}),
   'by': v('the exception must come out by this virtual time (raises.late)', NUMV),
   'status': v('the status of a late raise (default timeout)', STATUS)},
 'retries': {
   'helper': v('a helper with `sequence`', {"type": "string"}),
   'attempts': v('at most this many calls in all', NUMV),
   'base': v('the wait after failure k (from 1) is base * 2**(k-1), exactly', NUMV)},
 'store': {'add': v('each store ends at its initial value plus this', NUMV),
           'helper': v('the store helper (default "store")', {"type": "string"})},
 'bound': {'is': v('what `async with ... as x` binds: "self" (the object itself) or a value', VAL),
           'optional': v('the body may not have run at all (e.g. cancelled before): then nothing is checked', {"type": "boolean"})},
 'closed': {'helper': v('the clean-up call (e.g. "close", or an agen\'s on_close call): called exactly once and finished before the entry returned', {"type": "string"}),
            'call': v('how messages name it (default: helper)', {"type": "string"}),
            'when': v('words for closed.never (default "after the body")', {"type": "string"})},
 'propagates': {'what': v('"nothing" (no exception), "cancellation" (use context/await with cancel_at: the CancelledError came out), or the message of the ValueError the body raised (opts.raise), which must come out unchanged', VAL),
                'status': v('the status of propagates.other (default wrong_answer)', STATUS)},
 'attr': {'attr': v('the attribute read after the block (opts.attrs)', {"type": "string"}),
          'close_to': v('its expected value', NUMV),
          'tol': v('the largest difference allowed (default 0.001)', {"type": "number", "minimum": 0})},
 'emits': {'values': v('exactly these values, in order (emits.values)', VAL),
           'count': v('this many values (emits.count)', NUMV),
           'within': v('with count: [lo, hi], each value a number in it (emits.within)', {"type": "array", "minItems": 2, "maxItems": 2}),
           'every': v('the k-th value (from 0) arrives at (k + 1) * every, and the iteration ends with the last (emits.time, emits.end)', NUMV)},
 'gets': {'helper': v('a helper with items (use methods: opts.calls {at, args: [item]}): one call per item, each get returns as soon as its value is there', {"type": "string"})},
 'settled': {'helper': v('a helper with items: one entry per item, its result or the exception object the grader injected (items in `fail`)', {"type": "string"})},
 'blocking': {'calls': v('the argument lists the blocking helper must be called with, once each (value expressions allowed)', VAL),
              'helper': v('the blocking helper (default "work")', {"type": "string"})},
 'rate': {'helper': v('the call counted', {"type": "string"}),
          'max': v('at most this many calls may start in any sliding window of `per` seconds', NUMV),
          'per': v('the window, in seconds (default 1)', NUMV)},
 'no_raise': {},
}
CHECK_DESC = {
 'no_raise': 'the entry returned without raising (runtime_error)',
 'calls': "the helper's calls: once per item, a count, their arguments, not before a time",
 'finishes_by': 'the task was done by a time; says when the calls ran one after another',
 'returns': 'the returned value',
 'returns_task': '(use task) the entry returned an asyncio.Task',
 'in_flight': 'how many calls were in flight at once',
 'left_running': 'no call left running',
 'none_cancelled': 'no call cancelled',
 'raises': 'the entry raised an exception',
 'retries': 'retries with exponential back-off of a helper with `sequence`',
 'store': "stores' final values (kind store)",
 'bound': 'what `async with ... as x` bound (use context)',
 'closed': 'a clean-up call ran, once, and finished in time',
 'propagates': 'what came out of an `async with` (use context)',
 'attr': 'an attribute read after the block (use context)',
 'emits': 'the values yielded and when (use iterate)',
 'gets': "a cache's gets (use methods)",
 'settled': 'one result or exception object per item',
 'blocking': 'the blocking helper was called with the right arguments',
 'rate': 'a sliding-window rate limit on call starts',
}
assert set(OPT) == set(S.CHECK_OPTIONS)
checks = []
defs = {}
for name in sorted(S.CHECK_OPTIONS):
    opts, keys = S.CHECK_OPTIONS[name]
    assert set(OPT[name]) == set(opts), name
    props = {'check': {'const': name}, 'hint': {'type': 'string', 'description': "appended to this check's message"}}
    props.update({k: VR(x) for k, x in OPT[name].items()})
    for k in keys:
        props['status_' + k.replace('.', '_')] = {'$ref': '#/$defs/status', 'description': 'the status of message %s' % k}
    req = ['check'] + [k for k, r in opts.items() if r]
    defs['check_' + name] = {'type': 'object', 'description': CHECK_DESC[name], 'required': req,
                             'additionalProperties': False, 'properties': props}
    checks.append({'$ref': '#/$defs/check_' + name})


S_ = {'type': 'string'}; N_ = {'type': 'number'}; NN = {'type': 'number', 'minimum': 0}
def expr(key, val, desc, extra=None):
    p = {key: dict(val, description=desc)}
    p.update(extra or {})
    return obj(p, [key])

value_exprs = [
 expr('$results', S_, "the results of a helper with items, in the order of its items"),
 expr('$result', {'type': 'array', 'minItems': 2, 'maxItems': 2}, "[helper, item]: that item's result"),
 expr('$token', S_, "a grader-made value declared in the task's `tokens`"),
 expr('$dict_results', S_, "{item: result} of a helper with items", {'items': {'type': 'array', 'description': 'only these items'}}),
 expr('$work', {}, "the blocking helper's result for this argument list"),
 expr('$works', {'type': 'array'}, "the blocking helper's results for these argument lists"),
 expr('$call_result', {'type': 'array', 'minItems': 2, 'maxItems': 2}, "[call, k]: the value the k-th finished call returned"),
 expr('$conn', {}, "the connection the connect() call returned"),
 expr('$elapsed', {'type': 'number', 'exclusiveMinimum': 0}, "the task's elapsed virtual time divided by this"),
 expr('$arg', {'type': 'integer', 'minimum': 0}, "the task's k-th argument, as written"),
 expr('$vary', S_, "a draw of the task's (or question's) `vary`: its value in this grading's variant"),
]
arg_exprs = [
 expr('$helper', S_, 'the helper of that name, as the submission sees it'),
 expr('$store', {'type': 'integer', 'minimum': 0}, 'store k of the store helper'),
 expr('$token', S_, "a grader-made value declared in the task's `tokens`"),
 expr('$loop', {'const': True}, 'the running event loop (for run_coroutine_threadsafe from a thread)'),
 expr('$queue', obj({'arrivals': {'type': 'array', 'description': '[[at, item]...]: each item is put after waiting `at` seconds'},
                     'end': {'description': 'put last'}}), 'an asyncio.Queue the grader fills'),
 expr('$tuple', {'type': 'array'}, 'a tuple'),
 expr('$vary', S_, "a draw of the task's (or question's) `vary`: its value in this grading's variant"),
]
def literal_or(ref):
    return {'anyOf': [{'type': ['string', 'number', 'boolean', 'null']},
                      {'type': 'array', 'items': {'$ref': ref}},
                      {'type': 'object', 'propertyNames': {'not': {'pattern': '^\\$'}}, 'additionalProperties': {'$ref': ref}},
                      {'$ref': ref + '_expr'}]}

helper_props = {
 'kind': {'enum': list(S.KINDS), 'default': 'call', 'description': 'call: an async function the grader serves; agen: an async generator; store: get/set; connection: connect, conn.close, conn.query; blocking: a blocking `work` for a thread'},
 'proxy': {'enum': ['call', 'task'], 'default': 'call', 'description': 'call: an async function; task: a plain function that returns an asyncio.Task'},
 'error': {'type': 'string', 'description': 'the exception class name its failures raise (made if not built in; default RuntimeError)'},
 'items': {'type': 'array', 'description': 'the first arguments it serves, one call each; another argument is an unexpected call (wrong_answer)'},
 'delays': {'type': 'array', 'items': NN, 'description': 'with items: how long each item\'s call takes (virtual seconds)'},
 'fail': {'type': 'array', 'description': 'with items: items whose call raises `error` (with a grader-made message the checks recognise)'},
 'results': {'type': 'array', 'description': 'with items: the value each item\'s call returns (default: a grader-made token)'},
 'sequence': {'type': 'array', 'description': 'the k-th call (no arguments): {delay, fail}', 'items': obj({'delay': NN, 'fail': {'type': 'boolean'}})},
 'after': obj({'delay': NN, 'fail': {'type': 'boolean', 'description': 'accepted; calls past the sequence always fail'}, 'message': S_}, desc='calls past the sequence: they fail after `delay` with `message`'),
 'delay': dict(NN, description='call: every call takes this long; agen: the time between values'),
 'random_delay': {'type': 'array', 'minItems': 2, 'maxItems': 2, 'items': {'anyOf': [{'type': 'number'}, {'type': 'string', 'pattern': '^\\$arg[0-9]+$'}]}, 'description': '[lo, hi]: a uniform delay from the task\'s seeded RNG; a bound may be "$arg0" (the call\'s first argument)...'},
 'result': {'anyOf': [{'const': 'delay'}, obj({'uniform': {'type': 'array', 'minItems': 2, 'maxItems': 2}}, ['uniform']),
                      obj({'uniforms': {'type': 'array', 'minItems': 3, 'maxItems': 3}}, ['uniforms']), obj({'value': {}}, ['value'])],
            'description': '"delay" (the call\'s delay), {"uniform": [lo, hi]}, {"uniforms": [n, lo, hi]} (a list of n), {"value": any}; default: a grader-made token'},
 'count': {'type': 'integer', 'minimum': 0, 'description': 'agen: how many values'},
 'on_close': obj({'call': S_, 'delay': NN}, ['call'], 'agen: its finally awaits the call `call` (taking `delay` s) when it ends or is closed'),
 'initial': {'type': 'array', 'description': "store: each store's first value (default [40])"},
 'latency': dict(NN, description='store: each get/set takes this long (default 0.1)'),
 'connect': dict(NN, description='connection: connect() takes this long (default 0.5)'),
 'close': dict(NN, description='connection: conn.close() (default 0.25)'),
 'query': dict(NN, description='connection: conn.query() (default 0.1)'),
}
assert set(helper_props) == set().union(*map(set, S.HELPER_KEYS.values()))
helper_props['delays']['items'] = VR(NN)
helper_props['sequence']['items'] = VR(obj({'delay': VR(NN), 'fail': VR({'type': 'boolean'})}))
helper_props['after']['properties'] = {k: VR(x) for k, x in helper_props['after']['properties'].items()}
helper_props = {k: x if k in ('kind', 'proxy') else VR(x) for k, x in helper_props.items()}
def names(keys): return {'propertyNames': {'enum': list(keys)}}
helper = obj(helper_props, desc='what the grader provides: it decides, stamps and traces every call')
helper['allOf'] = [
 {'if': {'required': ['items']}, 'then': dict(names(S.HELPER_KEYS['items']), required=['delays'])},
 {'if': {'required': ['sequence']}, 'then': names(S.HELPER_KEYS['sequence'])},
 {'if': {'not': {'anyOf': [{'required': ['items']}, {'required': ['sequence']}, {'required': ['kind']}]}}, 'then': names(S.HELPER_KEYS['call'])},
 {'if': {'required': ['kind'], 'properties': {'kind': {'const': 'call'}}}, 'then': {'anyOf': [{'required': ['items']}, {'required': ['sequence']}, names(S.HELPER_KEYS['call'])]}},
] + [{'if': {'required': ['kind'], 'properties': {'kind': {'const': k}}}, 'then': names(S.HELPER_KEYS[k])} for k in ('agen', 'store', 'connection', 'blocking')]

opts_props_ = {
 'concurrent': {'type': 'array', 'items': {'type': 'array', 'items': {'$ref': '#/$defs/arg'}}, 'description': 'await, thread: several calls at once, one argument list each'},
 'cancel_at': dict(NN, description='await: the call runs as a task the grader cancels at this virtual time (its value is then "cancelled" if the CancelledError came out); context: the task using the block is cancelled then'),
 'sleep': dict(NN, description='context: the body sleeps this long'),
 'raise': {'$ref': '#/$defs/arg', 'description': 'context: the body then raises ValueError(this) (a string or a {"$token": name})'},
 'attrs': {'type': 'array', 'items': S_, 'description': 'context: attributes read from the object after the block (check attr)'},
 'query': dict(S_, description='context: the body awaits bound.query(this)'),
 'instances': {'type': 'array', 'items': {'type': 'array', 'items': {'$ref': '#/$defs/arg'}}, 'description': 'methods: the argument list of each instance built (default: one, with args)'},
 'calls': {'type': 'array', 'items': obj({'method': S_, 'obj': {'type': 'integer', 'minimum': 0}, 'args': {'type': 'array', 'items': {'$ref': '#/$defs/arg'}}, 'at': NN}, ['method']), 'description': 'methods: the calls made, all concurrently: instance `obj` (default 0), `method`, `args`, started at virtual time `at`'},
}
opts_props = {k: VR(x) for k, x in opts_props_.items()}
VARY = {'type': 'object', 'description': 'named draws of seeded generators, made anew for every grading from (its seed, the question id, the task name, the draw name), so the order of the keys does not matter; a draw may use other draws ("$name" in its argument), none itself. Refer to a draw with {"$vary": name} (its value) anywhere in helpers, args, opts, checks, or with "{$name}" inside a string (passed, hints, messages)',
        'propertyNames': {'pattern': GV.NAME.pattern}, 'additionalProperties': {'$ref': '#/$defs/draw'}}
task_props = {
 'name': dict(S_, description='unique in the question; the summary names the first failing task'),
 'hidden': {'type': 'boolean', 'description': 'the student sees only the status (no inputs, trace or expected values)'},
 'use': {'enum': list(S.USES), 'default': 'await', 'description': 'how the submission is used'},
 'args': VR({'type': 'array', 'items': {'$ref': '#/$defs/arg'}, 'description': 'the entry\'s arguments: literals and argument expressions'}),
 'opts': obj(opts_props, desc='per use: await: concurrent, cancel_at; thread: concurrent; context: sleep, raise, cancel_at, attrs, query; methods: instances, calls; run, task, iterate: none'),
 'helpers': {'type': 'object', 'additionalProperties': {'$ref': '#/$defs/helper'}, 'description': "replace the question's helpers of the same name"},
 'tokens': {'type': 'object', 'additionalProperties': S_, 'description': 'grader-made values, by name: their plain-words description'},
 'vlimit': VR({'type': 'number', 'exclusiveMinimum': 0, 'default': 60, 'description': 'virtual seconds before the task is a timeout'}),
 'checks': {'type': 'array', 'items': {'$ref': '#/$defs/check'}, 'description': 'in order: the first that finds a problem gives the status and message'},
 'passed': dict(S_, description='the message when every check passes; fields {at}, {value}, {fname}; claim only what the checks verify'),
 'messages': {'$ref': '#/$defs/messages'},
 'vary': dict(VARY, description="this task's draws (after the question's, which it may use): " + VARY['description']),
}
assert set(task_props) == set(S.TASK_KEYS) and set(opts_props) == set().union(*map(set, S.OPTS.values()))
task = obj(task_props, ['name', 'checks'], 'one example task')
task['allOf'] = [{'if': {'properties': {'use': {'const': u}}, **({'required': ['use']} if u != 'await' else {})},
                  'then': {'properties': {'opts': names(S.OPTS[u])}}} for u in S.USES]
task['allOf'].append({'if': {'properties': {'use': {'const': 'methods'}}, 'required': ['use']}, 'then': {'required': ['opts'], 'properties': {'opts': {'required': ['calls']}}}})

top = {
 'id': {'type': 'string', 'pattern': '^[a-z0-9][a-z0-9-]*$'},
 'topic': {'enum': list(S.TOPICS), 'description': "the contract's topic ids"},
 'title': S_, 'difficulty': {'type': 'integer', 'minimum': 1, 'maximum': 3},
 'kind': {'const': 'code', 'description': 'set by bank/build.py'},
 'prompt': S_, 'explanation': S_, 'starter': S_, 'solution': S_, 'version': S_,
 'entry': dict(S_, description='the name the submission must define'),
 'need': {'enum': list(S.NEEDS), 'default': 'async_function', 'description': 'what the entry must be; anything else is not_gradable'},
 'what': dict(S_, description='how the prompt names it, for the not-gradable message'),
 'fname': dict(S_, description='how messages name it (default: entry)'),
 'module': dict(S_, description='the file name the submission is loaded under, e.g. 1-concurrent_coroutines'),
 'modules': {'type': 'object', 'description': 'modules the submission may import: {module name: {attribute: helper name}}; each attribute is a helper the parent serves (it must exist in every task)',
             'additionalProperties': {'type': 'object', 'additionalProperties': S_}},
 'helpers': {'type': 'object', 'additionalProperties': {'$ref': '#/$defs/helper'}, 'description': 'helpers of every task'},
 'messages': {'$ref': '#/$defs/messages'},
 'style': {'type': 'array', 'description': 'reported in the answer\'s `style`, never scored', 'items': dict(obj({'forbid': S_, 'require': S_, 'message': S_}), oneOf=[{'required': ['forbid']}, {'required': ['require']}])},
 'tasks': {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/task'}},
 'wrong_solutions': {'type': 'array', 'items': obj({'file': S_, 'code': S_, 'status': {'enum': list(S.WRONG_STATUSES)}, 'why': S_}, ['status', 'why'],
                     'a wrong solution (`file` in a bank folder; `code` once built) and the status it must get (not_gradable: the verdict)')},
 'more_solutions': {'type': 'array', 'items': obj({'file': S_, 'why': S_}, ['file'], 'other correct solutions (the bootcamp tests grade them)')},
 'vary': dict(VARY, description="draws for every task (and the question's helpers and messages): " + VARY['description']),
 'hints': {'type': 'array', 'maxItems': 3, 'items': dict(S_, minLength=1),
           'description': 'up to three hints, from a nudge to nearly the answer, shown one at a time (GET /api/v1/questions/{id}/hints/{n})'},
}
assert set(top) == set(S.GRADING_KEYS + S.META_KEYS)
schema = {
 '$schema': 'https://json-schema.org/draft/2020-12/schema', '$id': 'question.schema.json',
 'title': "A timed code question's grading data (question.json of a bank folder; `spec` of a grade request). Strict: the engine (grader/grader_spec.py) rejects every key not listed here.",
 'type': 'object', 'required': ['id', 'entry', 'tasks'], 'additionalProperties': False, 'properties': top,
 '$defs': {
  'status': {'enum': list(S.CHECK_STATUSES)},
  'messages': {'type': 'object', 'description': 'overrides of the shared messages (grader/grader_messages.py MESSAGES), by key; {name} fields only; `deadlock`: words appended to the timeout message of a deadlock',
               'propertyNames': {'enum': sorted(MESSAGES) + ['deadlock']}, 'additionalProperties': S_},
  'helper': helper, 'task': task,
  'arg': literal_or('#/$defs/arg'), 'arg_expr': {'oneOf': arg_exprs},
  'value': literal_or('#/$defs/value'), 'value_expr': {'oneOf': value_exprs},
  'check': {'oneOf': checks},
  'vary_ref': obj({'$vary': dict(S_, description='the name of a draw')}, ['$vary'], 'a draw of `vary`, in its place'),
  'draw': dict(obj(dict({g: {'description': GV.GENERATORS[g] + (' (random)' if g in GV.RANDOM else '')}
                         for g in GV.GENERATORS},
                        round={'type': 'integer', 'minimum': 0, 'maximum': 6, 'description': 'digits kept of every number drawn'},
                        distinct={'type': 'boolean', 'description': 'uniforms: no two numbers equal (after round)'}),
                   desc='one generator (its argument: literals, and "$name" for another draw), and optionally round, distinct'),
               oneOf=[{'required': [g]} for g in GV.GENERATORS]),
 }}
schema['$defs'].update(defs)


def dump(v, ind=0):
    """JSON with small values on one line."""
    one = json.dumps(v, ensure_ascii=False)
    if len(one) + ind <= 100 or not isinstance(v, (dict, list)) or not v:
        return one
    pad = ' ' * (ind + 1)
    if isinstance(v, list):
        return '[\n' + ',\n'.join(pad + dump(x, ind + 1) for x in v) + '\n' + ' ' * ind + ']'
    return '{\n' + ',\n'.join(pad + json.dumps(k) + ': ' + dump(x, ind + 1)
                               for k, x in v.items()) + '\n' + ' ' * ind + '}'


def text():
    return dump(schema) + '\n'


if __name__ == '__main__':
    with open(os.path.join(ROOT, 'docs', 'question.schema.json'), 'w', encoding='utf-8') as f:
        f.write(text())
