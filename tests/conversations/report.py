"""Play every scripted conversation and print the numbers the issue asks for.

    .venv/bin/python tests/conversations/report.py                 # fresh SQLite file
    .venv/bin/python tests/conversations/report.py --database-url postgresql://…/db
    .venv/bin/python tests/conversations/report.py --show booking-queue-number-tomorrow-morning

Prints: conversations fully passing (and by pattern), dead-end replies to messages that
carry a fact or a follow-up question (the issue's bar: 0), the median number of questions
the bot asked before a decision (the bar: ≤ 5), and one line per failing conversation.
A number to read, not an assertion: the pytest runner is test_conversations.py.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent.parent), str(HERE.parent), str(HERE)]

from conversation_runner import ConversationResult, Player, expects_decision, load_all, summarise  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--database-url", help="default: a new SQLite file in a temporary folder")
    ap.add_argument("--show", action="append", default=[], metavar="ID",
                    help="print this conversation turn by turn (repeatable; 'failing' for all failing ones)")
    ap.add_argument("--only", action="append", default=[], metavar="ID", help="play only these conversations")
    args = ap.parse_args(argv)

    import logging

    logging.disable(logging.WARNING)  # the numbers, not the app's log lines
    from app_factory import make_app

    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='conv-report-')}/fayuan.sqlite"
    player = Player(make_app(url))
    conversations = [c for c in load_all() if not args.only or c.id in args.only]
    results: list[ConversationResult] = [player.play(c) for c in conversations]
    s = summarise(results)

    by_pattern_all = Counter(r.conversation.pattern for r in results)
    by_pattern_ok = Counter(r.conversation.pattern for r in results if r.passed)
    print(f"Conversations fully passing: {s.passed} / {s.total}")
    for pattern in sorted(by_pattern_all):
        print(f"  {pattern:18s} {by_pattern_ok[pattern]} / {by_pattern_all[pattern]}")
    print(f"Dead-end replies to fact-carrying / follow-up messages: {len(s.dead_ends)} "
          f"of {s.fact_or_followup_turns} such messages")
    for cid, turn, said, reply in s.dead_ends:
        print(f"  {cid} #{turn} 「{said}」 → {reply.splitlines()[0] if reply else ''}")
    median = s.median_questions
    reached = len(s.questions_to_decision)
    wanting = sum(1 for r in results if expects_decision(r.conversation))
    spread = (f", max {max(s.questions_to_decision)}, {sum(1 for q in s.questions_to_decision if q > 5)} above 5"
              if s.questions_to_decision else "")
    print(f"Median questions to a decision: {median if median is not None else 'n/a'}{spread} "
          f"({reached} of {wanting} conversations that expect a decision reached one)")
    failing = [r for r in results if not r.passed]
    if failing:
        print("Failing conversations (first failed check):")
        for r in failing:
            print(f"  {r.conversation.id}: {r.failures[0]} [{len(r.failures)} failed check(s)]")
    show = set(args.show)
    for r in results:
        if r.conversation.id in show or ("failing" in show and not r.passed):
            print()
            print(r.explain())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
