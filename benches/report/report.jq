# The aggregation of `labrun report --format json`, as a jq pipeline: the benchmark's
# baseline, and a cross-check (run.sh compares the two outputs).
#
# Input: every line of every progress log (the files concatenated, each learner's lines in
# log order). Run as `cat LOGS... | jq -n -f report.jq`. Timestamps must be whole seconds
# (`fromdateiso8601` reads no fractions), as generate.py writes them. The rules are those
# of src/progress/state.rs (statuses) and src/report.rs (active time, time to complete,
# hints and failed attempts counted across resets).

def complete: . == "verified" or . == "solved" or . == "confirmed";
def reset: . + {status: "pending", solution: false, entered: null, completed: null};
def fresh: {status: "pending", solution: false, entered: null, completed: null, failed: 0, hints: 0};
def median:
  sort | length as $n
  | if $n == 0 then null
    elif $n % 2 == 1 then .[($n - 1) / 2]
    else (.[$n / 2 - 1] + .[$n / 2]) / 2 | ceil
    end;
def count(f): map(select(f)) | length;

reduce inputs as $e ({lessons: {}, learners: {}};
  ($e.ts | fromdateiso8601) as $t
  | if $e.event == "session_started"
       and (.lessons[$e.lesson] == null or $t >= .lessons[$e.lesson].at)
    then .lessons[$e.lesson] = {at: $t, title: $e.title, steps: $e.steps}
    else . end
  | .learners[$e.lesson + "\u0000" + $e.learner] |= (
      (. // {lesson: $e.lesson, learner: $e.learner, started: $t, last: $t, prev: null,
             counts: false, active: 0, hints: 0, steps: {}})
      # Active time: gaps within a session, each capped at 5 minutes.
      | (if .prev != null and .counts and $e.event != "session_started"
         then .active += ([([$t - .prev, 0] | max), 300] | min) else . end)
      | .prev = $t
      | .counts = ($e.event != "session_ended")
      | .started = ([.started, $t] | min)
      | .last = ([.last, $t] | max)
      | if $e.event == "lesson_reset" then .steps |= map_values(reset)
        elif $e.step == null then .
        else
          $e.step as $s
          | (if .steps[$s] == null then .steps[$s] = fresh else . end)
          | (.steps[$s].status | complete) as $before
          | .steps[$s] |= (
              if $e.event == "step_entered" then .entered //= $t
              elif $e.event == "check_failed" then
                .failed += 1 | if (.status | complete) then . else .status = "failed" end
              elif $e.event == "step_verified" then
                .status = (if .solution then "solved" else "verified" end)
              elif $e.event == "step_confirmed" then
                if .status == "verified" or .status == "solved" then . else .status = "confirmed" end
              elif $e.event == "step_skipped" then
                if (.status | complete) then . else .status = "skipped" end
              elif $e.event == "hint_shown" then .hints += 1
              elif $e.event == "solution_shown" then .solution = true
              elif $e.event == "step_reset" then reset
              else . end)
          | (if ($before | not) and (.steps[$s].status | complete)
             then .steps[$s].completed = $t else . end)
          | (if $e.event == "hint_shown" then .hints += 1 else . end)
        end))
| . as $all
| [$all.lessons | keys[] as $id | {id: $id, title: .[$id].title, steps: .[$id].steps}] as $lessons
| [$lessons[] as $l
   | $all.learners[] | select(.lesson == $l.id)
   | . as $r
   | [$l.steps[] as $s | ($r.steps[$s] // fresh) + {id: $s}] as $st
   | {learner: $r.learner, lesson: $r.lesson,
      complete: (($st | length) > 0 and all($st[]; .status | complete)),
      steps: (reduce $st[] as $x ({}; .[$x.id] = $x.status)),
      verified: ($st | count(.status == "verified" or .status == "solved")),
      self_reported: ($st | count(.status == "confirmed")),
      skipped: ($st | count(.status == "skipped")),
      started: ($r.started | todate), last_activity: ($r.last | todate),
      active_seconds: $r.active, hints: $r.hints, detail: $st}]
| sort_by(.lesson, .learner) as $rows
| {format: 1,
   lessons: $lessons,
   learners: ($rows | map(del(.detail))),
   steps: [$lessons[] as $l
     | ($rows | map(select(.lesson == $l.id))) as $mine
     | range(0; $l.steps | length) as $i
     | ($mine | map(.detail[$i])) as $cells
     | {lesson: $l.id, step: $l.steps[$i], learners: ($mine | length),
        completed: ($cells | count(.status | complete)),
        median_seconds: ($cells
          | map(select((.status | complete) and .entered != null and .completed != null
                       and .completed >= .entered) | .completed - .entered)
          | median),
        failed_attempts: ($cells | map(.failed) | add // 0),
        hints: ($cells | map(.hints) | add // 0),
        stuck: ($cells | count(.status == "failed")),
        skipped: ($cells | count(.status == "skipped"))}]}
