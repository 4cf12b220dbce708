import textwrap

Q = []


def _code(s):
    return textwrap.dedent(s).strip("\n") + "\n"


def _text(s):
    return textwrap.dedent(s).strip()


def _choices(choices):
    out = []
    for i, (text, correct, feedback) in enumerate(choices):
        out.append({"id": "abcde"[i], "text": _text(text), "correct": bool(correct),
                    "feedback": _text(feedback)})
    return out


def _base(id, topic, kind, title, diff, prompt, explanation):
    return {"id": id, "topic": topic, "kind": kind, "title": title, "difficulty": diff,
            "prompt": _text(prompt), "explanation": _text(explanation)}


def _proof(p):
    code = _code(p[0])
    if code.count("\n") > 25:   # proofs are secret: compact them to stay short
        code = "\n".join(l for l in code.split("\n") if l.strip()) + "\n"
    return {"code": code, "output": _code(p[1]).rstrip()}


def S(id, topic, title, diff, prompt, choices, explanation, proof=None):
    q = _base(id, topic, "single_choice", title, diff, prompt, explanation)
    q["choices"] = _choices(choices)
    if proof:
        q["proof"] = _proof(proof)
    Q.append(q)


def M(id, topic, title, diff, prompt, choices, explanation, proof=None):
    q = _base(id, topic, "multiple_choice", title, diff, prompt, explanation)
    q["choices"] = _choices(choices)
    if proof:
        q["proof"] = _proof(proof)
    Q.append(q)


def P(id, topic, title, diff, prompt, code, answer, explanation):
    q = _base(id, topic, "predict_output", title, diff, prompt, explanation)
    q["code"] = _code(code)
    q["answer"] = _code(answer)
    Q.append(q)
