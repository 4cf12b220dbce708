"""Builds a bank of code questions from its folder of sources (data only: no Python of the bank is ever run).

    python3 bank/build.py                 # bank/builtin -> grader/code_questions.json (the grader's built-in data)
    python3 bank/build.py SRC OUT.json    # any bank folder, e.g. examples/async-bootcamp

A bank folder holds `bank.json` ({"questions": [ids in order]}) and one folder per question id with:
  question.json    id, topic, title, difficulty, and the grading data (entry, need, what, helpers, modules, tasks...:
                   docs/question.schema.json, docs/authoring.md); `wrong_solutions`: [{"file", "status", "why"}]
  prompt.md, explanation.md, starter.py, solution.py, and the files the wrong solutions name.
The output: {"questions": [...]} with prompt, starter, solution, explanation and wrong_solutions' code inlined, and
each question's `version` (a hash of its grading data, as the grader computes it).
"""
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GRADING = ('entry', 'need', 'what', 'fname', 'module', 'modules', 'helpers', 'messages', 'style', 'tasks', 'vary')


def version_of(q):
    d = {k: q[k] for k in GRADING if k in q}
    return hashlib.sha256(json.dumps(d, sort_keys=True, separators=(',', ':'), ensure_ascii=False).encode()).hexdigest()[:16]


def build(src):
    src = Path(src)
    out = []
    for qid in json.loads((src / 'bank.json').read_text(encoding='utf-8'))['questions']:
        d = src / qid
        q = json.loads((d / 'question.json').read_text(encoding='utf-8'))
        assert q['id'] == qid, (qid, q['id'])
        q['kind'] = 'code'
        for field, name in (('prompt', 'prompt.md'), ('explanation', 'explanation.md'), ('starter', 'starter.py'),
                            ('solution', 'solution.py')):
            q[field] = (d / name).read_text(encoding='utf-8')
            if field in ('prompt', 'explanation'):
                q[field] = q[field].strip()
        q['wrong_solutions'] = [{'code': (d / w['file']).read_text(encoding='utf-8'), 'status': w['status'],
                                 'why': w['why']} for w in q.get('wrong_solutions', [])]
        q['version'] = version_of(q)
        out.append(q)
    return out


if __name__ == '__main__':
    src = sys.argv[1] if len(sys.argv) > 1 else ROOT / 'bank' / 'builtin'
    dst = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / 'grader' / 'code_questions.json'
    qs = build(src)
    dst.write_text(json.dumps({'questions': qs}, indent=1, ensure_ascii=False) + '\n', encoding='utf-8')
    print('wrote %s: %d code questions' % (dst, len(qs)))
