#!/usr/bin/env python3
"""Writes the `labrun report` benchmark's progress logs, deterministically.

10,000 learners of one 30-step lesson, one log each (`data/bench-lab/learner-NNNNN.jsonl`,
the layout labrun itself writes), about 400,000 events in all. Each learner gets as far as
a seeded random draw says, over one to several sessions, with failed checks, hints,
solutions, skipped and self-confirmed steps, resets, variables, and the odd stuck learner,
so every branch of the aggregation runs.

Timestamps are whole seconds (`2026-11-01T08:00:00Z`): valid RFC 3339 for labrun, and what
jq's `fromdateiso8601` can parse for the comparison pipeline.

Usage: generate.py [OUT_DIR] [--learners N] [--steps N] [--seed N]
"""

import argparse
import json
import os
import random
import time

LESSON = "bench-lab"
TITLE = "Benchmark lab"
START = 1_793_520_000  # 2026-11-01T08:00:00Z


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def learner_events(rng, steps):
    """(seconds, event dict) pairs of one learner, in log order."""
    t = START + rng.randrange(20 * 86400)
    events = []

    def emit(event, **fields):
        events.append((t, dict(event=event, **fields)))

    def start_session():
        emit("session_started", title=TITLE, lesson_hash="b3nch", steps=steps)

    def think(low, high):
        nonlocal t
        t += rng.randint(low, high)

    # How far this learner gets: a fifth finish, the rest stop in the first four fifths.
    reach = len(steps) if rng.random() < 0.2 else rng.randint(1, len(steps) * 4 // 5)
    start_session()
    if rng.random() < 0.3:
        think(1, 20)
        emit("var_set", name="region", value=rng.choice(["us-south", "eu-de", "jp-tok"]))
    if rng.random() < 0.02:
        # Started over from scratch at some point: everything before is undone.
        for step in steps[: rng.randint(1, 5)]:
            think(5, 60)
            emit("step_entered", step=step)
            think(10, 200)
            emit("step_verified", step=step)
        think(1, 10)
        emit("lesson_reset")
    for index, step in enumerate(steps[:reach]):
        think(2, 15)
        emit("step_entered", step=step)
        last = index == reach - 1
        if index % 7 == 6:
            # A step without checks: the learner confirms it.
            think(10, 120)
            emit("step_confirmed", step=step)
        elif rng.random() < 0.03 and not last:
            think(5, 60)
            emit("step_skipped", step=step)
        else:
            failures = 0
            while rng.random() < 0.12 and failures < 4:
                failures += 1
                think(20, 400)
                emit("check_failed", step=step, attempt=failures, reason="not yet",
                     evidence={"exit_code": 1, "duration_ms": rng.randint(5, 900), "attempts": 1})
                if rng.random() < 0.35:
                    think(5, 90)
                    emit("hint_shown", step=step, hint=failures)
            if last and reach < len(steps) and rng.random() < 0.4:
                # Stuck: the last check failed and the learner stopped.
                think(20, 400)
                emit("check_failed", step=step, attempt=failures + 1, reason="not yet",
                     evidence={"exit_code": 1, "duration_ms": 7, "attempts": 1})
            else:
                if rng.random() < 0.04:
                    think(30, 300)
                    emit("solution_shown", step=step)
                think(20, 400)
                emit("step_verified", step=step)
                if rng.random() < 0.01:
                    think(10, 60)
                    emit("step_reset", step=step)
                    think(10, 200)
                    emit("step_verified", step=step)
        if not last and rng.random() < 0.08:
            think(1, 5)
            emit("session_ended", reason="quit")
            think(3600, 3 * 86400)
            start_session()
    think(1, 5)
    emit("session_ended", reason="completed" if reach == len(steps) else "quit")
    return events


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=os.path.join(here, "data"))
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    steps = [f"step-{n:02}" for n in range(1, args.steps + 1)]
    folder = os.path.join(args.out, LESSON)
    os.makedirs(folder, exist_ok=True)
    total = 0
    size = 0
    for n in range(args.learners):
        learner = f"learner-{n:05}"
        lines = []
        for t, event in learner_events(rng, steps):
            record = {"v": 1, "ts": iso(t), "learner": learner, "lesson": LESSON}
            record.update(event)
            lines.append(json.dumps(record, separators=(",", ":")))
        text = "\n".join(lines) + "\n"
        with open(os.path.join(folder, learner + ".jsonl"), "w") as f:
            f.write(text)
        total += len(lines)
        size += len(text)
    print(f"{args.learners} learners, {args.steps} steps, {total} events, "
          f"{size / 1e6:.1f} MB in {folder}")


if __name__ == "__main__":
    main()
