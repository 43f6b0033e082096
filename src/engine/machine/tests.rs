use super::*;
use crate::progress::StepStatus;

fn facts(id: &str, has_checks: bool, hints: u32, has_solution: bool) -> StepFacts {
    StepFacts {
        id: id.into(),
        has_checks,
        hints,
        has_solution,
        has_commands: true,
        has_run_blocks: false,
    }
}

fn machine() -> Machine {
    Machine::new(
        vec![
            facts("a", true, 2, true),
            facts("b", false, 0, false),
            facts("c", true, 0, false),
        ],
        Vec::new(),
    )
}

fn recorded(effects: &[Effect]) -> Vec<&LogEvent> {
    effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::Record(event) => Some(event),
            _ => None,
        })
        .collect()
}

#[test]
fn start_enters_the_step_and_asks() {
    let mut m = machine();
    let effects = m.transition(Input::Start(1));
    assert_eq!(
        effects,
        [
            Effect::Record(LogEvent::StepEntered { step: "b".into() }),
            Effect::Enter(1),
            Effect::AskAction(1),
        ]
    );
}

#[test]
fn the_default_action_checks_a_step_with_checks_and_continues_one_without() {
    let m = machine();
    assert_eq!(m.default_action(0), Action::Check);
    assert_eq!(m.default_action(1), Action::Continue);
    assert_eq!(m.actions(0)[0], Action::Check);
    assert_eq!(m.actions(1)[0], Action::Continue);
    assert!(
        !m.actions(1).contains(&Action::Hint),
        "no hints, no hint action"
    );
    assert!(
        !m.actions(0).contains(&Action::Back),
        "no way back from the first step"
    );
}

#[test]
fn a_failing_check_keeps_the_learner_at_the_step() {
    let mut m = machine();
    let _ = m.transition(Input::Start(0));
    assert_eq!(
        m.transition(Input::Chose(Action::Check)),
        [Effect::RunChecks(0)]
    );
    // The session writes the failed check and tells the machine, then feeds the result.
    m.observe(&LogEvent::CheckFailed {
        step: "a".into(),
        attempt: 1,
        reason: "no".into(),
        evidence: Default::default(),
    });
    assert_eq!(
        m.transition(Input::Checked { passed: false }),
        [Effect::AskAction(0)]
    );
    assert_eq!(m.state(0).map(|s| s.status), Some(StepStatus::Failed));
    assert_eq!(m.state(0).map(|s| s.failed_checks), Some(1));
    assert_eq!(m.current(), 0);
    assert_eq!(m.attempts(), 1);
}

#[test]
fn checks_that_did_not_run_leave_the_step_as_it_was() {
    // No `check_failed` was written (the learner refused to let checks run): the log says
    // pending, so the machine does too.
    let mut m = machine();
    let _ = m.transition(Input::Start(0));
    let _ = m.transition(Input::Chose(Action::Check));
    let _ = m.transition(Input::Checked { passed: false });
    assert_eq!(m.state(0).map(|s| s.status), Some(StepStatus::Pending));
}

#[test]
fn a_check_result_the_machine_did_not_ask_for_is_ignored() {
    let mut m = machine();
    let _ = m.transition(Input::Start(1));
    assert!(m.transition(Input::Checked { passed: true }).is_empty());
    assert_eq!(
        m.state(1).map(|s| s.status),
        Some(StepStatus::Pending),
        "a step without checks was verified"
    );
    let _ = m.transition(Input::Chose(Action::Jump(0)));
    let _ = m.transition(Input::Chose(Action::Check));
    let _ = m.transition(Input::Chose(Action::Hint));
    assert!(
        m.transition(Input::Checked { passed: true }).is_empty(),
        "a result after another action is stale"
    );
    assert_eq!(m.state(0).map(|s| s.status), Some(StepStatus::Pending));
}

#[test]
fn a_passing_check_verifies_and_moves_on() {
    let mut m = machine();
    let _ = m.transition(Input::Start(0));
    let _ = m.transition(Input::Chose(Action::Check));
    let effects = m.transition(Input::Checked { passed: true });
    assert_eq!(
        recorded(&effects)[0],
        &LogEvent::StepVerified { step: "a".into() }
    );
    assert!(effects.contains(&Effect::Enter(1)));
    assert_eq!(m.state(0).map(|s| s.status), Some(StepStatus::Verified));
}

#[test]
fn verification_after_the_solution_counts_as_solved() {
    let mut m = machine();
    let _ = m.transition(Input::Start(0));
    let effects = m.transition(Input::Chose(Action::Solution));
    assert_eq!(
        recorded(&effects),
        [&LogEvent::SolutionShown { step: "a".into() }]
    );
    assert!(effects.contains(&Effect::ShowSolution(0)));
    let effects = m.transition(Input::Chose(Action::RunSolution));
    assert!(
        recorded(&effects).is_empty(),
        "the solution is recorded once"
    );
    assert!(effects.contains(&Effect::RunSolution(0)));
    let _ = m.transition(Input::Chose(Action::Check));
    let _ = m.transition(Input::Checked { passed: true });
    assert_eq!(m.state(0).map(|s| s.status), Some(StepStatus::Solved));
}

#[test]
fn continue_confirms_a_step_without_checks_but_checks_one_with_them() {
    let mut m = machine();
    let _ = m.transition(Input::Start(1));
    let effects = m.transition(Input::Chose(Action::Continue));
    assert_eq!(
        recorded(&effects)[0],
        &LogEvent::StepConfirmed { step: "b".into() }
    );
    assert_eq!(m.current(), 2);
    assert_eq!(
        m.transition(Input::Chose(Action::Continue)),
        [Effect::RunChecks(2)]
    );
}

#[test]
fn hints_are_revealed_one_at_a_time_until_there_are_none() {
    let mut m = machine();
    let _ = m.transition(Input::Start(0));
    let first = m.transition(Input::Chose(Action::Hint));
    assert!(first.contains(&Effect::ShowHint { step: 0, number: 1 }));
    let second = m.transition(Input::Chose(Action::Hint));
    assert!(second.contains(&Effect::ShowHint { step: 0, number: 2 }));
    assert_eq!(
        recorded(&second),
        [&LogEvent::HintShown {
            step: "a".into(),
            hint: 2
        }]
    );
    let third = m.transition(Input::Chose(Action::Hint));
    assert_eq!(
        third,
        [
            Effect::Notice("no more hints for this step".into()),
            Effect::AskAction(0)
        ]
    );
    assert_ne!(m.default_action(0), Action::Hint, "no hint is left to give");
}

#[test]
fn skip_records_and_moves_on_and_the_lesson_ends_incomplete() {
    let mut m = machine();
    let _ = m.transition(Input::Start(2));
    let effects = m.transition(Input::Chose(Action::Skip));
    assert_eq!(
        recorded(&effects),
        [&LogEvent::StepSkipped { step: "c".into() }]
    );
    assert_eq!(effects.last(), Some(&Effect::Finish(EndReason::Quit)));
    assert!(m.is_finished());
    assert!(
        m.transition(Input::Chose(Action::Check)).is_empty(),
        "nothing happens after the end"
    );
}

#[test]
fn finishing_every_step_completes_the_lesson() {
    let mut m = machine();
    let _ = m.transition(Input::Start(0));
    let _ = m.transition(Input::Chose(Action::Check));
    let _ = m.transition(Input::Checked { passed: true });
    let _ = m.transition(Input::Chose(Action::Continue));
    let _ = m.transition(Input::Chose(Action::Check));
    let effects = m.transition(Input::Checked { passed: true });
    assert_eq!(effects.last(), Some(&Effect::Finish(EndReason::Completed)));
    assert!(m.is_complete());
}

#[test]
fn back_and_jump_move_between_steps() {
    let mut m = machine();
    let _ = m.transition(Input::Start(0));
    assert_eq!(
        m.transition(Input::Chose(Action::Back))[0],
        Effect::Notice("this is the first step".into())
    );
    let _ = m.transition(Input::Chose(Action::Jump(2)));
    assert_eq!(m.current(), 2);
    let _ = m.transition(Input::Chose(Action::Back));
    assert_eq!(m.current(), 1);
    assert_eq!(
        m.transition(Input::Chose(Action::Jump(9)))[0],
        Effect::Notice("no such step".into())
    );
}

#[test]
fn quit_finishes_at_once() {
    let mut m = machine();
    let _ = m.transition(Input::Start(0));
    assert_eq!(
        m.transition(Input::Chose(Action::Quit)),
        [Effect::Finish(EndReason::Quit)]
    );
}

#[test]
fn a_verified_step_stays_verified_and_continue_moves_past_it() {
    let states = vec![StepState {
        status: StepStatus::Verified,
        ..Default::default()
    }];
    let mut m = Machine::new(
        vec![facts("a", true, 0, false), facts("b", false, 0, false)],
        states,
    );
    let _ = m.transition(Input::Start(0));
    assert_eq!(m.default_action(0), Action::Continue);
    let _ = m.transition(Input::Chose(Action::Check));
    let _ = m.transition(Input::Checked { passed: false });
    assert_eq!(m.state(0).map(|s| s.status), Some(StepStatus::Verified));
    let effects = m.transition(Input::Chose(Action::Continue));
    assert!(effects.contains(&Effect::Enter(1)));
}

#[test]
fn an_empty_lesson_finishes_at_once() {
    let mut m = Machine::new(Vec::new(), Vec::new());
    assert_eq!(
        m.transition(Input::Start(0)),
        [Effect::Finish(EndReason::Completed)]
    );
}

#[test]
fn going_back_to_a_done_step_checks_it_again_on_enter_then_returns_where_the_learner_was() {
    let mut m = Machine::new(
        vec![
            facts("token", true, 0, false),
            facts("b", true, 0, false),
            facts("c", true, 0, false),
        ],
        Vec::new(),
    );
    let _ = m.transition(Input::Start(0));
    for _ in 0..2 {
        let _ = m.transition(Input::Chose(Action::Check));
        let _ = m.transition(Input::Checked { passed: true });
    }
    assert_eq!(m.current(), 2);
    let _ = m.transition(Input::Chose(Action::Jump(0)));
    assert_eq!(
        m.default_action(0),
        Action::Check,
        "a done step is checked again"
    );
    let _ = m.transition(Input::Chose(Action::Check));
    let back = m.transition(Input::Checked { passed: true });
    assert!(back.contains(&Effect::Enter(2)), "{back:?}");
    assert_eq!(m.current(), 2, "back where the learner was, not at step b");
    // Without going back, a done step just goes on.
    let _ = m.transition(Input::Chose(Action::Jump(1)));
    let _ = m.transition(Input::Chose(Action::Continue));
    assert_eq!(m.current(), 2);
    let mut forward = Machine::new(
        vec![facts("a", true, 0, false), facts("b", true, 0, false)],
        vec![
            StepState {
                status: StepStatus::Verified,
                ..Default::default()
            };
            2
        ],
    );
    let _ = forward.transition(Input::Start(0));
    assert_eq!(forward.default_action(0), Action::Continue);
}
