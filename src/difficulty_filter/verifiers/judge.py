"""Client for an OpenAI-compatible LLM judge (urllib only): does a free-form answer match the truth?"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request

_DECISION_RE = re.compile(r"final\s+decision\s*:\s*\**\s*(yes|no)\b", re.IGNORECASE)
PROMPT = """### Question: {question}

### Ground Truth Answer: {truth}

### Student Answer: {answer}

For the above question, please verify if the student's answer is equivalent to the ground truth answer.
Do not solve the question by yourself; just check if the student's answer is equivalent to the ground truth answer.
If the student's answer is correct, output "Final Decision: Yes".
If the student's answer is incorrect, output "Final Decision: No"."""


class JudgeError(RuntimeError):
    """The judge could not be reached or gave no decision (an infrastructure error, not a wrong answer)."""


def chat_url(base_url: str) -> str:
    """The chat-completions endpoint of a base URL, never doubled (``.../v1`` and full URLs are accepted)."""
    base = base_url.rstrip("/")
    if base.endswith("/chat/completions"):
        return base
    return base + ("/chat/completions" if base.endswith("/v1") else "/v1/chat/completions")


def judge(question: str, truth: str, answer: str, *, url: str, model: str, timeout: float) -> bool:
    """Ask the judge; True for "Final Decision: Yes". Raises JudgeError on any failure."""
    payload = {
        "model": model,
        "messages": [{"role": "user", "content": PROMPT.format(question=question, truth=truth, answer=answer)}],
        "temperature": 0,
        "max_tokens": 1024,
    }
    request = urllib.request.Request(chat_url(url), data=json.dumps(payload).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            body = json.load(reply)
        text = body["choices"][0]["message"]["content"] or ""
    except (urllib.error.URLError, OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise JudgeError(f"judge at {chat_url(url)} failed: {exc}") from exc
    decisions = _DECISION_RE.findall(text)
    if not decisions:
        raise JudgeError(f"judge reply has no 'Final Decision: Yes/No': {text[-200:]!r}")
    return decisions[-1].lower() == "yes"
