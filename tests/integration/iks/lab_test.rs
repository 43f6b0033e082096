//! `labrun test lessons/iks-security`: every step's solution, then its checks, against the stub.

use super::{Lab, lab_lesson};

#[test]
fn the_whole_lab_passes_labrun_test_against_the_stub() {
    let lab = Lab::new();
    let vars_file = lab.vars_file();
    let output = lab
        .labrun(
            &["test".into(), lab_lesson(), "--vars-file".into(), vars_file],
            "",
        )
        .status(0)
        .stdout_contains("33 passed, 0 failed")
        .finished_within(std::time::Duration::from_secs(60));
    for step in [
        "login",
        "iam-token",
        "va-status",
        "policy-exemption",
        "master-ready",
        "signer-remove",
        "deny-unsigned",
        "expose-app",
        "nodeports-closed",
    ] {
        assert!(
            output
                .stdout
                .lines()
                .any(|l| l.split_whitespace().take(2).eq(["ok", step])),
            "no `ok {step}` line:\n{}",
            output.stdout
        );
    }

    // The solutions changed the stub as the real commands change the cloud.
    let state = lab.stub.state();
    assert_eq!(state["namespaces"], serde_json::json!(["birds"]));
    let images = state["images"].to_string();
    for tag in ["bluebird:1", "bluebird:signed", "bluebird:old"] {
        assert!(images.contains(tag), "no image {tag} in {images}");
    }
    assert_eq!(
        state["exemptions"],
        serde_json::json!([{"account_id": super::ACCOUNT, "issue_type": "cve",
            "issue_id": "CVE-2019-5953", "scope": {"scope_type": "account"}}]),
        "the image-scoped exemption is replaced by the account policy"
    );
    assert!(
        state["cluster"]["key_protect"]["crk_id"].is_string(),
        "{state}"
    );
    let trust = &state["trust"]["us.icr.io/birds/bluebird"];
    assert_eq!(
        trust["signed"],
        serde_json::json!(["signed"]),
        "`old` was revoked: {trust}"
    );
    assert_eq!(
        trust["signers"],
        serde_json::json!([]),
        "alice was removed: {trust}"
    );
    assert_eq!(state["portieris"], true);
    assert_eq!(
        state["image_policies"].as_array().map(Vec::len),
        Some(3),
        "{state}"
    );
    assert!(
        state["network_policies"]
            .to_string()
            .contains("deny-nodeports")
    );
    assert_eq!(
        state["pods"],
        serde_json::json!(["calico-demo/hello-nodeport"]),
        "only part 6's test app runs: checks use --dry-run=server only"
    );
}
