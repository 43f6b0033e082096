//! A learner's run of part 2 (Vulnerability Advisor) in plain mode, answers on stdin: the
//! transcript on stderr reads like the session, and `labrun status --json` keeps what they
//! did. Part 1 was done earlier, by hand; labrun kept no IAM token from then, so the learner
//! gets a fresh one first, as the part's note says, and jumps to part 2.

use super::{API_KEY, Lab, PART_1, Stub, lab_lesson};

/// What the learner types, one answer a line, with why.
const ANSWERS: &str = "\
y
check
jump va-status
check
3
hint
check
3
run
y
check
curl
check
libsodium23
check
1.0.18-1+deb13u1
check
hint
run
y
check
check
2
solution
apply
y
quit
";
// y               allow the lesson's checks to run
// check           iam-token: a fresh token      jump va-status   to part 2
// check 3         the scan is not done: the CLI check fails (the quiz is right: FAIL)
// hint, check 3   the scan is done: verified
// run y           va-issues: runs `ibmcloud cr va` for the learner
// check curl      wrong answer; check libsodium23: verified
// check 1.18...   va-fix: verified
// check           exemption: fails (none yet); hint; run y (exemption-add); check: verified
// check 2         deployable: verified
// solution, apply y   policy-exemption: applying checks at once; solved with the solution
// quit            at the first step of part 3

#[test]
fn a_learner_works_through_part_2_in_plain_mode() {
    let lab = Lab::with(Stub::with(&["--scan-polls", "1"]));
    lab.sh(PART_1);
    let mut args = vec![
        "start".to_owned(),
        lab_lesson(),
        "--plain".into(),
        "--step".into(),
        "iam-token".into(),
    ];
    args.extend(lab.vars(false));
    let output = lab
        .labrun(&args, ANSWERS)
        .status(1)
        .stderr_contains("=== IBM Cloud Kubernetes Service security lab ===")
        .stderr_contains("Allow them to run? [Y/n] y")
        .stderr_contains("> jump va-status")
        .stderr_contains("Step 7/34 · Read the image's security status")
        .stderr_contains("BXNVA0009E: 'us.icr.io/birds/bluebird:1' has not been scanned.")
        .stderr_contains("✘ Not verified yet (1 failed).")
        .stderr_contains("Hint 1/1:")
        .stderr_contains("CVE-2025-69277     Active")
        .stderr_contains("Not quite.")
        .stderr_contains(
            "Creating exemption for 'CVE-2025-69277' in 'us.icr.io/birds/bluebird:1'...",
        )
        .stderr_contains("Solution:")
        .stderr_contains("exemption-add --scope \"*\" --issue-type cve --issue-id CVE-2025-69277")
        .stderr_contains("Step 13/34 · Create a Key Protect instance")
        .stderr_contains("Progress saved.")
        .stderr_count("✔ Step verified.", 6)
        // policy-exemption, by its solution.
        .stderr_count("✔ Step solved", 1);

    let token = lab.stub.token();
    for secret in [token.as_str(), API_KEY] {
        assert!(
            !output.stderr.contains(secret),
            "a secret is on the terminal"
        );
        assert!(!output.stdout.contains(secret), "a secret is on stdout");
    }
    let log = std::fs::read_to_string(lab.test.path().join(".progress/iks-security/ada.jsonl"))
        .expect("read the progress log");
    assert!(
        !log.contains(&token) && !log.contains(API_KEY),
        "a secret is in the log"
    );

    let statuses = lab.statuses();
    let status = |id: &str| {
        statuses
            .iter()
            .find(|(step, _)| step == id)
            .map(|(_, status)| status.as_str())
            .unwrap_or_else(|| panic!("no step {id} in {statuses:?}"))
    };
    for (id, expected) in [
        ("login", "pending"),
        ("iam-token", "verified"),
        ("va-status", "verified"),
        ("va-issues", "verified"),
        ("va-fix", "verified"),
        ("exemption", "verified"),
        ("deployable", "verified"),
        ("policy-exemption", "solved"),
        ("kp-instance", "pending"),
    ] {
        assert_eq!(status(id), expected, "step {id}: {statuses:?}");
    }

    let json = lab
        .labrun(&["status".to_owned(), lab_lesson(), "--json".into()], "")
        .json();
    let lesson = &json[0];
    assert_eq!(lesson["current"], "kp-instance", "{lesson}");
    assert_eq!(lesson["complete"], false);
    let step = |id: &str| {
        lesson["steps"]
            .as_array()
            .and_then(|steps| steps.iter().find(|s| s["id"] == id))
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(step("va-status")["hints_shown"], 1);
    assert_eq!(step("exemption")["hints_shown"], 1);
    for id in ["va-status", "va-issues", "exemption"] {
        assert!(
            step(id)["failed_checks"].as_u64().unwrap_or(0) >= 1,
            "{id} failed once before it passed: {}",
            step(id)
        );
    }

    // The cloud is in part 2's end state.
    let state = lab.stub.state();
    assert_eq!(
        state["exemptions"].as_array().map(Vec::len),
        Some(1),
        "only the account-wide exemption is left: {state}"
    );
    assert_eq!(state["exemptions"][0]["scope"]["scope_type"], "account");
}

/// The IAM token a step captured is a secret, kept in memory only. A learner who gets it, quits,
/// and comes back later is not sent back for it: when the next REST check needs it, labrun
/// runs the token step's block again, and the check passes.
#[test]
fn the_lab_resumes_mid_way_and_its_rest_checks_get_the_token_again() {
    let lab = Lab::new();
    lab.sh(PART_1);
    let mut first = vec![
        "start".to_owned(),
        lab_lesson(),
        "--plain".into(),
        "--yes".into(),
        "--step".into(),
        "iam-token".into(),
    ];
    first.extend(lab.vars(false));
    lab.labrun(&first, "\nquit\n")
        .status(1)
        .stderr_contains("✔ Step verified.")
        .stderr_contains("Step 3/34 · Log Docker in to your registry");

    // Resume where the learner quit: Enter checks `registry-login`, then at `namespace` the
    // token is fetched again before its REST check runs.
    let mut again = vec![
        "start".to_owned(),
        lab_lesson(),
        "--plain".into(),
        "--yes".into(),
    ];
    again.extend(lab.vars(false));
    let output = lab
        .labrun(&again, "\n\nquit\n")
        .status(1)
        .stderr_contains("Welcome back: resuming at \"Log Docker in to your registry\".")
        .stderr_contains("`iam_token` is needed here and is kept in memory only")
        .stderr_lacks("has no value");
    let statuses = lab.statuses();
    for id in ["iam-token", "registry-login", "namespace"] {
        let status = statuses.iter().find(|(step, _)| step == id);
        assert_eq!(
            status.map(|(_, s)| s.as_str()),
            Some("verified"),
            "{id}: {statuses:?}\n{}",
            output.stderr
        );
    }
    let token = lab.stub.token();
    assert!(!output.stderr.contains(&token) && !output.stdout.contains(&token));
    let log = std::fs::read_to_string(lab.test.path().join(".progress/iks-security/ada.jsonl"))
        .expect("read the progress log");
    assert!(!log.contains(&token), "the token is in the log");
}
