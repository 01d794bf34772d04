"""How many questions typical people need before the questionnaire decides.

    python -m intents.personas_report

Why: the product promise is "一般不超过5个问题". Each persona is a person, written as
the answers they would type for each question (keyed by field, so the script does not
depend on the order the rules engine chooses), plus what the chat already knows
(``prefill``, e.g. the FAQ they just read). The runner answers whatever the
questionnaire asks until it decides, and prints the number of questions and the
decision per persona, then the median and the maximum. tests/intents/test_questionnaire.py
runs the same personas.
"""

from __future__ import annotations

import statistics
import sys
from dataclasses import dataclass, field
from typing import Any

from intents import questionnaire


@dataclass(frozen=True)
class Persona:
    name: str
    answers: dict[str, str]
    prefill: dict[str, Any] = field(default_factory=dict)
    expect: str | None = None  # expected decision, checked by the tests


PERSONAS: tuple[Persona, ...] = (
    Persona("石狮讨薪农民工（从欠薪问答进入）",
            {"region": "石狮", "special_status": "0", "migrant_worker": "是的", "receives_assistance": "没有",
             "age": "45", "disabled": "没有", "household_size": "4口人", "household_monthly_income": "三千五",
             "urgent": "0"},
            prefill={"matter": "labor.wages"}, expect="eligible"),
    Persona("石狮讨薪农民工（从头开始，一句话说清）",
            {"matter": "我在石狮打工，老板欠了三个月工资", "special_status": "都没有", "migrant_worker": "是",
             "receives_assistance": "没有", "age": "45", "disabled": "没有", "household_size": "4",
             "household_monthly_income": "3500", "urgent": "0"},
            expect="eligible"),
    Persona("长春老太太要赡养费，无固定收入",
            {"matter": "5", "region": "长春", "special_status": "0", "migrant_worker": "不是", "receives_assistance": "没有",
             "age": "七十二岁", "disabled": "没有", "fixed_income": "没有", "gender": "女",
             "household_size": "就我一个", "household_monthly_income": "没有收入", "urgent": "0"},
            prefill={"matter": "family.support"}, expect="likely_eligible"),  # 42(1): "no fixed income" is judged
    Persona("长春老太太要赡养费（从头开始）",
            {"matter": "儿子不给赡养费", "region": "长春市", "special_status": "0", "migrant_worker": "不是",
             "receives_assistance": "不是",
             "age": "72", "disabled": "不是", "fixed_income": "没有", "gender": "1",
             "household_size": "1", "household_monthly_income": "0", "urgent": "0"},
            expect="likely_eligible"),
    Persona("17岁儿子被刑拘的家属",
            {"matter": "儿子被抓了", "criminal_role": "1", "age": "17", "criminal_flags": "0",
             "region": "石狮", "special_status": "0", "urgent": "0"},
            expect="mandatory"),
    Persona("成年人被拘留，家里困难（长春）",
            {"matter": "9", "criminal_role": "1", "age": "35", "criminal_flags": "0", "region": "长春", "migrant_worker": "不是",
             "special_status": "0", "receives_assistance": "是", "disabled": "没有", "fixed_income": "没有",
             "gender": "男", "unemployed": "是", "household_size": "3", "household_monthly_income": "1500",
             "urgent": "0"}),
    Persona("吉林市离婚，中等收入",
            {"matter": "离婚", "region": "吉林市", "special_status": "0", "receives_assistance": "不是",
             "age": "40", "disabled": "没有", "fixed_income": "有", "gender": "女", "unemployed": "不是",
             "household_size": "3", "household_monthly_income": "9000", "migrant_worker": "不是",
             "urgent": "0"}),
    Persona("家暴受害人（泉州）",
            {"matter": "老公打我", "region": "泉州", "special_status": "1", "receives_assistance": "没有",
             "age": "38", "disabled": "没有", "fixed_income": "有", "gender": "女",
             "household_size": "3", "household_monthly_income": "5000", "urgent": "0"},
            expect="eligible"),
    Persona("石狮工伤农民工，期限快到",
            {"matter": "2", "region": "石狮市", "special_status": "0", "migrant_worker": "对", "urgent": "1",
             "receives_assistance": "没有", "age": "50", "disabled": "没有", "household_size": "3",
             "household_monthly_income": "两千多"},
            prefill={"matter": "labor.injury"}, expect="eligible"),
    Persona("长春低保户交通事故",
            {"matter": "交通事故", "region": "长春", "special_status": "0", "migrant_worker": "不是", "receives_assistance": "是的",
             "age": "55", "disabled": "没有", "fixed_income": "没有", "gender": "男", "unemployed": "是",
             "household_size": "2", "household_monthly_income": "1200", "urgent": "0"},
            expect="eligible"),
    Persona("吉林市被辞退的城市职工，收入高",
            {"matter": "被公司辞退了", "region": "吉林市", "special_status": "0", "migrant_worker": "不是",
             "receives_assistance": "没有", "age": "35", "disabled": "没有", "fixed_income": "有",
             "gender": "男", "unemployed": "是", "household_size": "3", "household_monthly_income": "15000",
             "urgent": "0"}),
    Persona("石狮租房押金纠纷",
            {"matter": "房东不退押金", "region": "石狮", "special_status": "0", "migrant_worker": "不是",
             "receives_assistance": "没有", "age": "30", "disabled": "没有", "fixed_income": "有",
             "gender": "男", "unemployed": "不是", "household_size": "2", "household_monthly_income": "6000",
             "urgent": "0"}),
    Persona("长春残疾人要抚养费",
            {"matter": "要抚养费", "region": "长春", "special_status": "0", "migrant_worker": "不是", "receives_assistance": "没有",
             "age": "33", "disabled": "有残疾证", "fixed_income": "没有", "gender": "女",
             "household_size": "2", "household_monthly_income": "800", "urgent": "0"},
            expect="likely_eligible"),
    Persona("见义勇为受伤（泉州）",
            {"matter": "10", "region": "泉州", "special_status": "1", "receives_assistance": "没有",
             "age": "28", "disabled": "没有", "fixed_income": "有", "gender": "男",
             "household_size": "3", "household_monthly_income": "6000", "urgent": "0"}),
    Persona("吉林省退役军人劳动合同纠纷",
            {"matter": "3", "region": "吉林", "special_status": "1", "migrant_worker": "不是",
             "receives_assistance": "没有", "age": "45", "disabled": "没有", "fixed_income": "没有",
             "gender": "男", "unemployed": "是", "household_size": "3", "household_monthly_income": "2000",
             "urgent": "0"}),
)


@dataclass
class Run:
    persona: Persona
    asked: list[str]
    decision: str | None
    done: bool
    question_count: int
    problems: list[str]
    result: dict[str, Any] | None = None
    final_text: str = ""
    to_decision: int = 0  # questions answered before the decision was settled


def run(persona: Persona, max_turns: int = 40) -> Run:
    """Answer every question the questionnaire asks from the persona's script."""
    step = questionnaire.start(dict(persona.prefill) or None)
    asked: list[str] = []
    problems: list[str] = []
    turns = 0
    to_decision: int | None = None
    while not step.done and turns < max_turns:
        turns += 1
        if to_decision is None and _settled(step.state):
            to_decision = len(asked)
        fname = step.state.get("current")
        asked.append(str(fname))
        reply = persona.answers.get(str(fname))
        if reply is None:
            problems.append(f"no scripted answer for {fname}")
            reply = "跳过"
        step = questionnaire.answer(step.state, reply)
        if not step.understood:
            problems.append(f"{fname}: {reply!r} not understood")
            break
    if not step.done and not problems:
        problems.append("did not finish")
    decision = (step.result or {}).get("decision") if step.done else None
    if to_decision is None:
        to_decision = len(asked)
    return Run(persona, asked, decision, step.done, step.question_count, problems, step.result, step.text,
               to_decision)


def _settled(state: dict[str, Any]) -> bool:
    """True once the facts so far already decide (what is left is the urgency offer)."""
    from intents.rules import decide
    return decide(state.get("facts") or {})["decision"] != "needs_more_info"


def main(argv: list[str] | None = None) -> int:
    runs = [run(p) for p in PERSONAS]
    width = max(len(r.persona.name) for r in runs)
    print("Q = questions asked in all; D = questions until the decision was settled "
          "(the rest is the 「事情急不急」 offer, which can only add 先行援助/priority)\n")
    print(f"{'persona':<{width}}   Q   D  decision          questions asked")
    for r in runs:
        flag = "" if not r.problems else "  !! " + "; ".join(r.problems)
        prefill = " (prefill " + ",".join(r.persona.prefill) + ")" if r.persona.prefill else ""
        print(f"{r.persona.name:<{width}}  {r.question_count:>2}  {r.to_decision:>2}  {str(r.decision):<16}  "
              f"{' → '.join(r.asked)}{prefill}{flag}")
    counts = [r.question_count for r in runs]
    decided = [r.to_decision for r in runs]
    print(f"\npersonas: {len(runs)}")
    print(f"questions in all:          median {statistics.median(counts):g}, max {max(counts)}")
    print(f"questions to the decision: median {statistics.median(decided):g}, max {max(decided)}")
    return 0 if all(not r.problems for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
