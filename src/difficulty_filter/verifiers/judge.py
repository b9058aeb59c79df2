"""Client for an OpenAI-compatible LLM judge (urllib only): does a free-form answer match the truth?

`judge_target` is the only reader of the ``reward.judge`` settings; verdicts it decides carry
``JUDGE_DETAIL_PREFIX`` in their detail, so ``ScoreResult.judged`` and the rewards batch can count them.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass

from ..outcomes import JUDGE_DETAIL_PREFIX, Verdict, binary_verdict

_QUESTION_KEYS = ("question", "original_question", "raw_prompt")
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


@dataclass(frozen=True)
class JudgeTarget:
    """The judge one verifier asks: server base URL, served model name, request timeout in seconds."""

    url: str
    model: str
    timeout: float


def judge_target(settings, domain: str) -> JudgeTarget | None:
    """The judge `domain` (``stem_web``, ``math``) may ask under the reward settings, or None when none."""
    judge_settings = settings.judge
    if not judge_settings.url or domain not in judge_settings.domains:
        return None
    return JudgeTarget(judge_settings.url, judge_settings.model or "default", min(60.0, 0.8 * settings.timeout))


def question_of(extra_info: dict) -> str:
    """The question text the dataset row carries (the judge needs it), else a placeholder."""
    return next((str(extra_info[k]) for k in _QUESTION_KEYS if extra_info.get(k)), "(not available)")


def judged_verdict(target: JudgeTarget, extra_info: dict, truth: str, answer: str, rules: str = "") -> Verdict:
    """The judge's verdict on `answer`; `rules`: why the rule-based check could not decide (for the detail)."""
    same = judge(question_of(extra_info), truth, answer, url=target.url, model=target.model, timeout=target.timeout)
    detail = f"{JUDGE_DETAIL_PREFIX}{'yes' if same else 'no'}" + (f" (rules: {rules})" if rules else "")
    return binary_verdict(same, detail, answer)


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
    request = urllib.request.Request(
        chat_url(url), data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
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
