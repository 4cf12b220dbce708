# Grading one submission: the question (built-in, or the request's `spec`), the seed of its example tasks, a child
# per load, the clock per task, the checks per result; then hidden tasks, style rules, version and seed.
import os, json, sys
from grader_limits import GRADE_REAL_LIMIT, display_text
from grader_limits import _rmono, _r
from grader_observe import Killed
from grader_clock import Grader
from grader_engine import Question, task_seed
from grader_spec import DataError

PY = 'Python %s' % sys.version.split()[0]


def load_bank(data):
    """The grader's question data (code_questions.json) -> {id: Question}; a question whose data is not valid maps
    to its DataError (graded as verdict `error` with that message, rather than stopping the grader)."""
    d = json.loads(data)
    out = {}
    for q in d['questions']:
        if 'tasks' in q:
            try:
                out[q['id']] = Question(q)
            except DataError as e:
                out[q['id']] = e
    return out


def data_error(e):
    """The answer when the question's data is not valid: the bank's fault, not the student's."""
    return {'verdict': 'error', 'score': 0, 'tasks': [],
            'message': 'The question\'s data is not valid: %s' % display_text(str(e), 2000)}


def style_report(q, code):
    """Style rules: reported, not scored. {"forbid": text} or {"require": text}, with a message."""
    out = []
    for r in q.style:
        if 'forbid' in r:
            ok = r['forbid'] not in code
        else:
            ok = r.get('require', '') in code
        out.append({'rule': r.get('forbid') or r.get('require'), 'ok': ok, 'message': r.get('message', '')})
    return out


def grade(QUESTIONS, req):
    qid = req.get('question')
    code = req.get('code')
    if 'spec' in req:
        try:
            spec = dict(req['spec'])
            spec.setdefault('id', qid)
            q = Question(spec)
        except (TypeError, ValueError, KeyError, AttributeError, IndexError) as e:
            return data_error(e if isinstance(e, DataError) else '%s: %s' % (type(e).__name__, e))
    elif qid not in QUESTIONS:
        return {'verdict': 'error', 'score': 0, 'message': 'The grader has no tasks for question %r.' % (qid,), 'tasks': []}
    else:
        q = QUESTIONS[qid]
        if isinstance(q, DataError):
            return data_error(q)
    if type(code) is not str:
        return {'verdict': 'error', 'score': 0, 'message': 'No code was sent.', 'tasks': []}
    seed = req.get('seed')
    if type(seed) is not int or not 0 <= seed < 1 << 63:
        seed = int.from_bytes(os.urandom(6), 'big')
    try:
        q = q.variant(seed)              # the example tasks of this seed (the same again in a regrade)
    except (TypeError, ValueError, KeyError, AttributeError, IndexError) as e:
        return data_error(e if isinstance(e, DataError) else '%s: %s' % (type(e).__name__, e))
    for k, t in enumerate(q.tasks):
        t.seed = task_seed(seed, k)
    resp = _grade(q, code)
    resp['version'] = q.version
    resp['seed'] = seed
    if q.style:
        resp['style'] = style_report(q, code)
    for k, (t, r) in enumerate(zip(q.tasks, resp['tasks'])):
        if t.hidden:
            r.update({'name': 'hidden task %d' % (k + 1), 'message': 'A hidden task: %s.' % r['status'].replace('_', ' '),
                      'elapsed': None, 'trace': [], 'hidden': True})
            r.pop('output', None)
    if resp.get('verdict') == 'failed':
        first = next(r for r in resp['tasks'] if r['status'] != 'passed')
        npass = sum(1 for r in resp['tasks'] if r['status'] == 'passed')
        resp['message'] = '%d of %d tasks passed. First problem (%s): %s' % (npass, len(resp['tasks']), first['name'],
                                                                             first['message'])
    return resp


def _grade(q, code):
    deadline = _rmono() + GRADE_REAL_LIMIT
    g = Grader(q, code, deadline)
    results = []
    try:
        for t in q.tasks:
            if g.child is None or g.child.dead or getattr(g.child, 'dirty', False):
                g.finish_child()
                try:
                    msg = g.start_child()
                except Killed as k:
                    g.finish_child()
                    # loading is the same for every task: the same fault would only cost each task its budget again
                    results += [_task_result(x, k.status, 'While loading your code: ' + k.message, 0.0, [])
                                for x in q.tasks[len(results):]]
                    break
                try:
                    out = _load_outcome(q, msg)
                except Killed as k:
                    g.finish_child()
                    results.append(_task_result(t, k.status, 'While loading your code: ' + k.message, 0.0, []))
                    continue
                if out is not None:
                    g.finish_child()
                    return out
            g.cur = None
            try:
                run = g.run_task(t)
            except Killed as k:
                run = None
                status, message = k.status, k.message
                g.finish_child()
            if run is not None:
                run.output = bytes(g.child.outbuf) if g.child else b''
                try:
                    status, message = t.check(run)
                except Exception as e:
                    status, message = 'runtime_error', 'The grader could not check this result (%s).' % type(e).__name__
                results.append(_task_result(t, status, message, run.done_at if run.done_at is not None else run.now,
                                            run.trace(), run.output))
            else:
                cur = g.cur
                results.append(_task_result(t, status, message, cur.now if cur else None,
                                            cur.trace() if cur else []))
            run = g.cur = None            # nothing of this task stays in memory for the next child to inherit
    finally:
        g.finish_child()
    npass = sum(1 for r in results if r['status'] == 'passed')
    score = npass / len(results) if results else 0
    verdict = 'passed' if npass == len(results) and results else 'failed'
    if verdict == 'passed':
        summary = 'All %d tasks passed.' % len(results)
    else:
        first = next(r for r in results if r['status'] != 'passed')
        summary = '%d of %d tasks passed. First problem (%s): %s' % (npass, len(results), first['name'], first['message'])
    return {'verdict': verdict, 'score': round(score, 4), 'message': summary, 'tasks': results}


def _load_outcome(q, msg):
    """The child's first message -> None (loaded, go on) or the not_gradable response; Killed if it is not one
    the child runtime sends (the submission wrote to the channel itself)."""
    try:
        kk = msg['k']
        if kk == 'syntax':
            line = msg.get('line')
            where = (' on line %s' % line) if type(line) is int else ''
            text = msg.get('text') or ''
            m = 'Syntax error%s: %s (the grader runs %s).' % (where, msg.get('msg'), PY)
            if text:
                m += ' The line reads: %s' % text[:120]
            return {'verdict': 'not_gradable', 'score': 0, 'message': m, 'tasks': []}
        if kk == 'loaderr':
            e = msg.get('e') or {}
            line = e.get('line')
            where = (' (line %s)' % line) if type(line) is int else ''
            return {'verdict': 'not_gradable', 'score': 0, 'tasks': [],
                    'message': 'Your code raised %s%s while it was being loaded, on the grader\'s %s: %s. Only '
                               'define %s; do not run anything at the top level.'
                               % (e.get('$exc'), where, PY, e.get('msg'), q.entry)}
        problem = msg.get('problem')
        if kk != 'loaded' or problem not in (None, 'missing', 'not_async', 'not_asyncgen', 'not_class', 'not_plain'):
            raise Killed('killed', 'The program interfered with the grader.')
        if problem:
            return {'verdict': 'not_gradable', 'score': 0, 'tasks': [], 'message': q.problem_msg(problem)}
        return None
    except (TypeError, ValueError, KeyError, AttributeError, IndexError, RecursionError, OverflowError):
        raise Killed('killed', 'The program interfered with the grader (bad message).')


def _task_result(t, status, message, elapsed, trace, output=b''):
    d = {'name': t.name, 'status': status, 'message': message,
         'elapsed': _r(elapsed) if elapsed is not None else None, 'trace': trace}
    if output:
        d['output'] = output[:2000].decode('utf-8', 'replace')
    return d


