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
        .stdout_contains("34 passed, 0 failed")
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
        "cleanup",
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

    // The last step, cleanup, undid what the lab made that weakens the account or the
    // cluster; the Key Protect key stays, as the cluster's secrets are encrypted with it.
    let state = lab.stub.state();
    assert_eq!(state["namespaces"], serde_json::json!([]), "{state}");
    assert_eq!(state["images"], serde_json::json!([]), "{state}");
    assert_eq!(state["exemptions"], serde_json::json!([]), "{state}");
    assert_eq!(state["portieris"], false, "{state}");
    assert_eq!(state["image_policies"], serde_json::json!([]), "{state}");
    assert!(
        !state["network_policies"]
            .to_string()
            .contains("deny-nodeports"),
        "{state}"
    );
    assert_eq!(state["pods"], serde_json::json!([]), "{state}");
    assert!(
        state["cluster"]["key_protect"]["crk_id"].is_string(),
        "the root key stays: {state}"
    );
}

/// Nothing of the lab leans on what IBM Cloud retired: Docker Content Trust and its notary
/// server (2021-11-01), VA v3 (2023-11-13) and Portieris' VA check that calls it, and no scan
/// of a Debian release older than 11, which VA v4 no longer scans. The lab names them only to
/// say they are gone; the stub answers them only with the error the real service gives.
#[test]
fn the_lab_and_its_stub_use_nothing_ibm_cloud_retired() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let read_all = |folder: &str| -> Vec<(String, String)> {
        let mut files = Vec::new();
        let mut dirs = vec![root.join(folder)];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir)
                .expect("a folder of the lab")
                .flatten()
            {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if let Ok(text) = std::fs::read_to_string(&path) {
                    files.push((path.display().to_string(), text));
                }
            }
        }
        files
    };
    // In the lessons: no command, variable or policy of the retired ways.
    for (path, text) in read_all("lessons/iks-security") {
        for retired in [
            "DOCKER_CONTENT_TRUST",
            "docker trust ",
            ":4443",
            "/va/api/v3",
            "ICCRVA:",
            "trust:\n",
            "debian:9",
            "debian:10",
            "stretch",
            "buster",
            "deb9u",
            "CVE-2019-5953",
        ] {
            let hits: Vec<_> = text
                .lines()
                .enumerate()
                .filter(|(_, line)| line.contains(retired.trim_end_matches("\n")))
                .filter(|(_, line)| retired != "trust:\n" || line.trim() == "trust:")
                .map(|(n, _)| n + 1)
                .collect();
            assert!(hits.is_empty(), "{path}: `{retired}` on lines {hits:?}");
        }
    }
    // In the stub: no notary keys or DCT passphrases, and no VA v3 route.
    for (path, text) in read_all("tests/iks") {
        for retired in [
            "trust/private",
            "DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE",
            "\"/va/api/v3",
        ] {
            assert!(!text.contains(retired), "{path} still holds `{retired}`");
        }
    }
}
