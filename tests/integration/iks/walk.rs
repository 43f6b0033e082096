//! Every check of the lab fails while the state it looks for is not there, and passes once
//! the step is done. One walk through the lab, in order, against one stub: before each step
//! (and before the step that creates the state a read-only step looks at), `labrun check
//! --step ID` must fail with one `FAIL ID` line per check and the reasons expected; then a
//! plain-mode session runs the step's solution (or its commands) and its checks, answers its
//! quiz, and must say `✔ Step verified.`.
//!
//! A polling check (`interval=`) would wait out its whole budget on `labrun check`; those are
//! watched failing in a session instead: each failed check and a `… try 1 not yet` line show,
//! then the session is stopped.
//!
//! Real hurl gives a second opinion on every HTTP check: at each `Fails` move, each of the
//! step's HTTP blocks fails in hurl 8.0.1 exactly when it failed in labrun, and after each
//! `Does` move every one passes in hurl too, so the lab's blocks mean the same in both tools.
//! Hurl's requests carry `X-Stub-Peek: 1`, so they never bring a pending scan or KMS
//! enablement closer. Without hurl the walk fails under CI (`.ci/run` installs it) and says
//! how to install it elsewhere.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use super::Lab;

/// One move of the walk.
enum Move {
    /// `labrun check --step STEP` exits 1, with `checks` failing checks and every reason.
    Fails {
        step: &'static str,
        checks: usize,
        reasons: &'static [&'static str],
        /// More arguments for labrun (a `--var` that makes the state wrong).
        args: &'static [&'static str],
    },
    /// A session at STEP runs the checks ("check"); every marker shows, then it is stopped.
    FailsLive {
        step: &'static str,
        markers: &'static [&'static str],
    },
    /// A session at STEP answers `input`, and the step is verified.
    Does {
        step: &'static str,
        input: &'static str,
    },
    /// A bash script with the stand-ins, in the workspace: the cloud changed behind labrun.
    Shell(&'static str),
    /// The stub's settings (how long slow operations stay pending).
    Configure(&'static str),
    /// Assertions on the stub's state.
    Inspect(fn(&Lab)),
}

use Move::{Configure, Does, FailsLive, Inspect, Shell};

const fn fails(step: &'static str, checks: usize, reasons: &'static [&'static str]) -> Move {
    Move::Fails {
        step,
        checks,
        reasons,
        args: &[],
    }
}

const fn does(step: &'static str, input: &'static str) -> Move {
    Does { step, input }
}

/// Show the solution, apply it (which checks at once), leave.
const SOLVE: &str = "solution\napply\nquit\n";
/// Checks (the state is already there), then leave.
const CHECK: &str = "check\nquit\n";

const WALK: &[Move] = &[
    // Part 1: Container Registry.
    fails(
        "login",
        1,
        &["Not logged in. Use 'ibmcloud login' to log in."],
    ),
    does("login", SOLVE),
    Move::Fails {
        step: "iam-token",
        checks: 1,
        reasons: &["status: expected 200, got 400", "BXNIM0415E"],
        args: &["--var", "api_key=not-the-key"],
    },
    does("iam-token", CHECK),
    // Logged in, but the registry region points elsewhere and Docker has no credential.
    Shell("ibmcloud cr region-set eu-de"),
    fails(
        "registry-login",
        2,
        &[
            "the registry is 'de.icr.io'",
            "Docker has no credential for us.icr.io",
        ],
    ),
    does("registry-login", SOLVE),
    fails(
        "namespace",
        2,
        &[
            "does not match `^birds\\s*$`",
            "jsonpath \"$\": expected contains \"birds\", got []",
        ],
    ),
    does("namespace", SOLVE),
    // Read-only steps about the image fail before it is pushed.
    fails(
        "images",
        1,
        &["does not match `^us.icr.io/birds/bluebird\\s+1\\s`"],
    ),
    fails(
        "va-issues",
        1,
        &["report/image/us.icr.io/birds/bluebird:1", "got 404"],
    ),
    // (`cve` is what va-issues keeps from the report; given here, as the image is not there.)
    Move::Fails {
        step: "va-fix",
        checks: 1,
        reasons: &["got 404"],
        args: &["--var", "cve=CVE-2025-69277"],
    },
    fails("deployable", 2, &["got 404", "BXNVA0002E"]),
    fails(
        "push",
        1,
        &["expected contains \"us.icr.io/birds/bluebird:1\""],
    ),
    // The seed's image, Debian 9 with the wget of 2019: VA no longer scans that release, so
    // it reports no issues and va-issues has no CVE to keep.
    Shell(
        "printf 'FROM debian:9.8\\nRUN apt-get install -y wget=1.18-5+deb9u2\\n' > seed.Dockerfile \
         && docker build -q -t us.icr.io/birds/bluebird:1 -f seed.Dockerfile . 2>/dev/null \
         && docker push us.icr.io/birds/bluebird:1 >/dev/null",
    ),
    fails("va-issues", 1, &["expected contains \"libsodium23\""]),
    // The scan takes two reads after this push.
    Configure(r#"{"scan_polls": 2}"#),
    does("push", SOLVE),
    Configure(r#"{"scan_polls": 0}"#),
    does("images", "check\n2\nquit\n"),
    // Part 2: Vulnerability Advisor.
    FailsLive {
        step: "va-status",
        markers: &["BXNVA0009E", "try 1 not yet", "\"UNSCANNED\""],
    },
    does("va-status", "check\n3\nquit\n"),
    does("va-issues", "check\nlibsodium23\nquit\n"),
    does("va-fix", "check\n1.0.18-1+deb13u1\nquit\n"),
    fails(
        "deployable",
        2,
        &[
            "jsonpath \"$.status\": expected matches /^(WARN|OK)$/, got \"FAIL\"",
            "\"status\": \"FAIL\"",
        ],
    ),
    fails(
        "exemption",
        2,
        &[
            "does not match `CVE-2025-69277`",
            "expected exists, got nothing (no such path)",
        ],
    ),
    does("exemption", SOLVE),
    does("deployable", "check\n2\nquit\n"),
    fails(
        "policy-exemption",
        1,
        &["@.scope.scope_type == 'account']\": expected exists, got nothing (no such path)"],
    ),
    // Half done: the image exemption removed, the account one not made yet.
    Shell(
        "ibmcloud cr exemption-rm --scope us.icr.io/birds/bluebird:1 --issue-type cve --issue-id CVE-2025-69277",
    ),
    fails(
        "policy-exemption",
        2,
        &[
            "expected exists, got nothing (no such path)",
            "jsonpath \"$.status\": expected matches /^(WARN|OK)$/, got \"FAIL\"",
        ],
    ),
    does("policy-exemption", SOLVE),
    // Part 3: Key Protect.
    fails(
        "kp-instance",
        2,
        &[
            "Service instance iks-security-kp was not found.",
            "does not match `iks-security-kp`",
        ],
    ),
    does("kp-instance", SOLVE),
    fails(
        "root-key",
        2,
        &["expected exists, got nothing", "(no output)"],
    ),
    does("root-key", SOLVE),
    FailsLive {
        step: "master-ready",
        markers: &["try 1 not yet", "$.features.keyProtectEnabled"],
    },
    fails(
        "enable-kms",
        2,
        &[
            "does not match `\"keyProtectEnabled\": true`",
            "jsonpath \"$.features.keyProtectEnabled\": expected == true, got false",
        ],
    ),
    // The master re-encrypts for three reads: the two checks of `enable-kms`, then one more.
    Configure(r#"{"kms_polls": 3}"#),
    does("enable-kms", SOLVE),
    FailsLive {
        step: "master-ready",
        markers: &[
            "try 1 not yet",
            "Key management service feature enablement in progress.",
        ],
    },
    does("master-ready", "check\n2\nquit\n"),
    // Part 4: simple signing.
    fails("gpg-key", 1, &["gpg: error reading key: No secret key"]),
    fails(
        "signed-push",
        1,
        &["gpg has no key for lab-signer@example.com: create it first"],
    ),
    does("gpg-key", SOLVE),
    fails("signed-push", 1, &["manifest unknown"]),
    // Pushed, but unsigned: the tag is there, and the signature is what is missing.
    Shell(
        "skopeo --insecure-policy copy docker-daemon:us.icr.io/birds/bluebird:1 docker://us.icr.io/birds/bluebird:signed",
    ),
    fails(
        "signed-push",
        1,
        &["Source image rejected: A signature was required, but no signature exists"],
    ),
    does("signed-push", SOLVE),
    fails(
        "verify",
        2,
        &[
            "there is no signers.pub in the workspace",
            "Error loading trust policy",
        ],
    ),
    does("verify", "solution\napply\n1\nquit\n"),
    fails("remove-signature", 1, &["The trash is empty."]),
    Shell(
        "printf 'FROM us.icr.io/birds/bluebird:1\\n' > old.Dockerfile \
         && docker build -t us.icr.io/birds/bluebird:old -f old.Dockerfile . \
         && skopeo --insecure-policy copy docker-daemon:us.icr.io/birds/bluebird:old docker://us.icr.io/birds/bluebird:old",
    ),
    fails(
        "remove-signature",
        2,
        &["us.icr.io/birds/bluebird:old", "The trash is empty."],
    ),
    does("remove-signature", SOLVE),
    fails("signer-add", 1, &["manifest unknown"]),
    // Signed by a key the policy does not hold yet.
    Shell(
        "printf 'x\\n' | gpg --batch --pinentry-mode loopback --passphrase-fd 0 --quick-generate-key ci-pipeline@example.com \
         && skopeo --insecure-policy copy --sign-by ci-pipeline@example.com --sign-passphrase-file <(printf x) \
            docker-daemon:us.icr.io/birds/bluebird:1 docker://us.icr.io/birds/bluebird:ci",
    ),
    fails(
        "signer-add",
        1,
        &["Source image rejected: Invalid GPG signature"],
    ),
    Shell("gpg --batch --yes --delete-secret-and-public-key ci-pipeline@example.com"),
    does("signer-add", SOLVE),
    fails(
        "signer-remove",
        1,
        &[
            "Writing manifest to image destination",
            "(exit code 0, expected 1)",
        ],
    ),
    does("signer-remove", SOLVE),
    // Trusting the other key instead: `ci` passes, and what you signed no longer does.
    Shell("gpg --armor --export ci-pipeline@example.com > signers.pub"),
    fails(
        "signer-remove",
        2,
        &[
            "(exit code 0, expected 1)",
            "Source image rejected: Invalid GPG signature",
        ],
    ),
    Shell("gpg --armor --export lab-signer@example.com > signers.pub"),
    does("signer-remove", CHECK),
    fails(
        "key-backup",
        1,
        &["there is no signing-key-backup.asc in the workspace"],
    ),
    does("key-backup", SOLVE),
    // Part 5: Portieris.
    fails(
        "cluster-config",
        2,
        &[
            "error: current-context is not set",
            "The connection to the server localhost:8080 was refused",
        ],
    ),
    does("cluster-config", SOLVE),
    fails(
        "portieris-defaults",
        2,
        &[
            "the server doesn't have a resource type \"clusterimagepolicies\"",
            "the server doesn't have a resource type \"imagepolicies\"",
        ],
    ),
    FailsLive {
        step: "portieris",
        markers: &["customresourcedefinitions", "not found", "try 1 not yet"],
    },
    does("portieris", SOLVE),
    does("portieris-defaults", "check\n2\nquit\n"),
    fails(
        "deny-unsigned",
        1,
        &[
            "pod/unsigned-check created (server dry run)",
            "(exit code 0, expected 1)",
        ],
    ),
    fails(
        "image-policy",
        2,
        &[
            "imagepolicies.portieris.cloud.ibm.com \"signed-by-lab\" not found",
            "secrets \"lab-signers\" not found",
        ],
    ),
    does("image-policy", SOLVE),
    does("deny-unsigned", CHECK),
    // The signed image is let in only while the secret holds the key that signed it.
    Shell(
        "kubectl delete secret lab-signers && gpg --armor --export ci-pipeline@example.com > ci.pub \
         && kubectl create secret generic lab-signers --from-file=key=ci.pub",
    ),
    fails(
        "deny-unsigned",
        1,
        &["simple: policy denied the request: Key not found for key ID"],
    ),
    Shell(
        "kubectl delete secret lab-signers \
         && kubectl create secret generic lab-signers --from-file=key=signers.pub",
    ),
    does("deny-unsigned", CHECK),
    // Part 6: Calico.
    fails("calico-defaults", 1, &["DATASTORE_TYPE is not set"]),
    fails("calico-cli", 1, &["DATASTORE_TYPE is not set"]),
    does("calico-cli", SOLVE),
    does("calico-defaults", "check\n3\nquit\n"),
    // A cluster that is not there: no worker to read an IP from, none to ask.
    Move::Fails {
        step: "expose-app",
        checks: 2,
        reasons: &["The specified cluster could not be found."],
        args: &["--var", "cluster=nocluster"],
    },
    // Nothing listens on the node port yet: the worker refuses the connection.
    fails(
        "expose-app",
        1,
        &[
            "Failed to connect to 169.48.10.20 port 30080",
            "Couldn't connect to server",
        ],
    ),
    does("expose-app", SOLVE),
    fails(
        "nodeports-closed",
        1,
        &["node port 30080 on 169.48.10.20 still answers"],
    ),
    fails(
        "deny-nodeports",
        1,
        &["resource does not exist: GlobalNetworkPolicy(deny-nodeports)"],
    ),
    // A policy that is not pre-DNAT sees the traffic after DNAT, with the pod as its
    // destination: the node port still answers, and both checks see it.
    Shell(
        "sed -e 's/preDNAT: true/preDNAT: false/' deny-nodeports.yaml > late.yaml \
         && DATASTORE_TYPE=kubernetes calicoctl apply -f late.yaml",
    ),
    fails(
        "deny-nodeports",
        1,
        &["deny-nodeports has no `preDNAT: true`"],
    ),
    fails(
        "nodeports-closed",
        1,
        &["still answers: deny-nodeports does not apply to it"],
    ),
    does("deny-nodeports", SOLVE),
    does("nodeports-closed", "check\n2\n"),
    // A pre-DNAT allow of lower order re-opens the port, as IBM's docs say it can.
    Shell(
        "cat > reopen.yaml <<'EOF'\napiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\n\
         metadata:\n  name: allow-30080\nspec:\n  applyOnForward: true\n  preDNAT: true\n  ingress:\n  \
         - action: Allow\n    destination:\n      ports:\n      - 30080\n    protocol: TCP\n    source: {}\n  \
         selector: ibm.role=='worker_public'\n  order: 500\n  types:\n  - Ingress\nEOF\n\
         DATASTORE_TYPE=kubernetes calicoctl apply -f reopen.yaml",
    ),
    fails("nodeports-closed", 1, &["still answers"]),
    Shell("DATASTORE_TYPE=kubernetes calicoctl delete globalnetworkpolicy allow-30080"),
    does("nodeports-closed", "check\n2\nquit\n"),
    Inspect(the_parts_changed_the_cloud),
    // Cleanup: everything the lab made is still there, then half of it is.
    fails(
        "cleanup",
        3,
        &[
            "still there: kubectl get namespace calico-demo",
            "still there: calicoctl get globalnetworkpolicy deny-nodeports",
            "still there: kubectl get secret lab-signers --namespace default",
            "still there: kubectl get crd clusterimagepolicies.portieris.cloud.ibm.com",
            "@.scope.scope_type == 'account']\": expected not exists",
            "jsonpath \"$\": expected not contains \"birds\"",
        ],
    ),
    Shell(
        "kubectl delete namespace calico-demo && ibmcloud ks cluster image-security disable --cluster mycluster \
         && ibmcloud cr namespace-rm birds -f",
    ),
    fails(
        "cleanup",
        2,
        &[
            "still there: calicoctl get globalnetworkpolicy deny-nodeports",
            "still there: kubectl get secret lab-signers --namespace default",
            "@.scope.scope_type == 'account']\": expected not exists",
        ],
    ),
    does("cleanup", SOLVE),
];

/// What the six parts made, as the real commands would have made it in the cloud: looked at
/// once the last part is done, before the cleanup undoes it.
fn the_parts_changed_the_cloud(lab: &Lab) {
    let state = lab.stub.state();
    assert_eq!(state["namespaces"], serde_json::json!(["birds"]));
    let images = state["images"].to_string();
    for tag in ["bluebird:1", "bluebird:signed", "bluebird:ci"] {
        assert!(images.contains(tag), "no image {tag} in {images}");
    }
    assert!(
        !images.contains("bluebird:old"),
        "`old` was deleted: {images}"
    );
    assert_eq!(
        state["exemptions"],
        serde_json::json!([{"account_id": super::ACCOUNT, "issue_type": "cve",
            "issue_id": "CVE-2025-69277", "scope": {"scope_type": "account"}}]),
        "the image-scoped exemption is replaced by the account policy"
    );
    assert!(
        state["cluster"]["key_protect"]["crk_id"].is_string(),
        "{state}"
    );
    // `signed` carries one signature, `ci` one by another key (the walk signed it with the
    // first key too, on its way); `old`'s went with it.
    let signatures = &state["signatures"];
    let keys: Vec<_> = [
        "us.icr.io/birds/bluebird:signed",
        "us.icr.io/birds/bluebird:ci",
    ]
    .iter()
    .map(|tag| signatures[tag].as_array().cloned().unwrap_or_default())
    .collect();
    assert!(
        keys[0].len() == 1 && keys[1].iter().any(|key| key != &keys[0][0]),
        "{signatures}"
    );
    assert_eq!(
        signatures.as_object().map(|o| o.len()),
        Some(2),
        "{signatures}"
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

#[test]
fn every_check_fails_before_its_step_and_passes_after() {
    let lab = Lab::new();
    let http = HttpChecks::new(&lab);
    for (number, step) in WALK.iter().enumerate() {
        play(&lab, number, step, &http);
    }
    let statuses = lab.statuses();
    assert_eq!(statuses.len(), 34, "{statuses:?}");
    for (id, status) in &statuses {
        assert!(
            status == "verified" || status == "solved",
            "step {id} is {status}, not verified or solved: {statuses:?}"
        );
    }
    // Each check block of each step is in some move: a step's `Fails` moves together show at
    // least as many failing checks as it has, or a session watched them fail.
    let shown = lab.labrun(
        &["show".to_owned(), super::lab_lesson(), "--json".into()],
        "",
    );
    for step in shown.json()["steps"].as_array().expect("steps") {
        let id = step["id"].as_str().unwrap_or_default();
        let checks = step["blocks"]
            .as_array()
            .map_or(0, |b| b.iter().filter(|b| b["role"] == "check").count());
        let failed: usize = WALK
            .iter()
            .map(|m| match m {
                Move::Fails { step, checks, .. } if *step == id => *checks,
                FailsLive { step, .. } if *step == id => usize::MAX / 2,
                _ => 0,
            })
            .sum();
        assert!(
            failed >= checks,
            "the walk shows {failed} failing checks of `{id}`, which has {checks}"
        );
    }
}

/// The lab's HTTP check blocks, by step: their `FILE:LINE` (as `labrun check` names them) and
/// their text.
struct HttpChecks {
    by_step: HashMap<String, Vec<(String, String)>>,
    /// Every lesson variable's value when nothing else sets it (templates filled in later).
    defaults: Vec<(String, String)>,
    hurl: Option<PathBuf>,
}

impl HttpChecks {
    fn new(lab: &Lab) -> Self {
        let shown = lab
            .labrun(
                &["show".to_owned(), super::lab_lesson(), "--json".into()],
                "",
            )
            .json();
        let mut by_step: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for step in shown["steps"].as_array().expect("steps") {
            for block in step["blocks"].as_array().expect("blocks") {
                if block["role"] == "check" && block["lang"] == "http" {
                    let file = super::repo().join(block["file"].as_str().unwrap_or_default());
                    by_step
                        .entry(step["id"].as_str().unwrap_or_default().to_owned())
                        .or_default()
                        .push((
                            format!("{}:{}", file.display(), block["line"]),
                            block["code"].as_str().unwrap_or_default().to_owned(),
                        ));
                }
            }
        }
        let defaults = shown["vars"]
            .as_array()
            .expect("vars")
            .iter()
            .filter_map(|var| {
                let value = var["value"].as_str().or(var["default"].as_str())?;
                Some((var["name"].as_str()?.to_owned(), value.to_owned()))
            })
            .collect();
        Self {
            by_step,
            defaults,
            hurl: crate::harness::hurl("the IKS walk"),
        }
    }

    /// The variables hurl gets: the lab's answers and the stub's addresses, the token and Key
    /// Protect instance the stub holds, what earlier steps captured, the lesson's defaults,
    /// then `extra` (`--var` pairs).
    fn variables(&self, lab: &Lab, extra: &[&str]) -> Vec<(String, String)> {
        let state = lab.stub.state();
        let mut vars: Vec<(String, String)> = vec![
            ("api_key".into(), super::API_KEY.into()),
            ("iam_token".into(), lab.stub.token()),
        ];
        if let Some(guid) = state["instances"].as_object().and_then(|i| i.keys().next()) {
            vars.push(("kp_instance".into(), guid.clone()));
        }
        vars.extend(
            lab.vars(false)
                .chunks(2)
                .filter_map(|pair| pair[1].split_once('='))
                .map(|(name, value)| (name.to_owned(), value.to_owned())),
        );
        // What the learner's steps captured (`cve`), as the progress log keeps it.
        let log = std::fs::read_to_string(
            lab.test
                .path()
                .join(format!(".progress/iks-security/{}.jsonl", super::LEARNER)),
        );
        for line in log.as_deref().unwrap_or("").lines() {
            let event: serde_json::Value = serde_json::from_str(line).unwrap_or_default();
            if let (Some("var_set"), Some(name), Some(value)) = (
                event["event"].as_str(),
                event["name"].as_str(),
                event["value"].as_str(),
            ) && !vars.iter().any(|(known, _)| known == name)
            {
                vars.push((name.to_owned(), value.to_owned()));
            }
        }
        for (name, value) in &self.defaults {
            if !vars.iter().any(|(known, _)| known == name) {
                vars.push((name.clone(), value.clone()));
            }
        }
        for pair in extra.chunks(2) {
            if let [flag, assignment] = pair
                && *flag == "--var"
                && let Some((name, value)) = assignment.split_once('=')
            {
                vars.retain(|(known, _)| known != name);
                vars.insert(0, (name.to_owned(), value.to_owned()));
            }
        }
        // Defaults may name other variables (`https://{{region}}.kms...`).
        let lookup = vars.clone();
        for (_, value) in &mut vars {
            for _ in 0..3 {
                for (name, other) in &lookup {
                    *value = value.replace(&format!("{{{{{name}}}}}"), other);
                }
            }
        }
        vars
    }

    /// Asserts hurl's verdict on each HTTP check of `step`: failing exactly at the blocks in
    /// `failed` (`FILE:LINE`), passing elsewhere.
    fn agree(&self, lab: &Lab, number: usize, step: &str, failed: &[String], extra: &[&str]) {
        let Some(blocks) = self.by_step.get(step) else {
            return;
        };
        let Some(hurl) = &self.hurl else {
            return;
        };
        let vars = self.variables(lab, extra);
        for (place, code) in blocks {
            let file = lab.test.path().join("block.hurl");
            std::fs::write(&file, code).expect("write the block for hurl");
            let mut command = Command::new(hurl);
            command
                .args(["--no-color", "--header", "X-Stub-Peek: 1"])
                .arg(&file)
                .env("NO_COLOR", "1");
            for (name, value) in &vars {
                command.arg("--variable").arg(format!("{name}={value}"));
            }
            let run = command.output().expect("run hurl");
            let labrun_failed = failed.contains(place);
            assert_eq!(
                !run.status.success(),
                labrun_failed,
                "move {number}: `{step}`'s HTTP check at {place} {} in labrun but {} in hurl:\n{}",
                if labrun_failed { "failed" } else { "passed" },
                if run.status.success() {
                    "passed"
                } else {
                    "failed"
                },
                String::from_utf8_lossy(&run.stderr)
            );
        }
    }
}

fn play(lab: &Lab, number: usize, step: &Move, http: &HttpChecks) {
    match step {
        Move::Fails {
            step,
            checks,
            reasons,
            args,
        } => {
            let output = lab.check(step, args).status(1);
            // One `FAIL` line for the step, then one `check at FILE:LINE:` per failed check.
            assert!(output.stdout.contains(&format!("  FAIL      {step}\n")));
            let failed = output.stdout.matches("\n            check at ").count();
            assert_eq!(
                failed, *checks,
                "move {number}: {checks} checks of `{step}` should fail, {failed} did:\n{}",
                output.stdout
            );
            for reason in *reasons {
                assert!(
                    output.stdout.contains(reason),
                    "move {number}: `{step}` failed without saying {reason:?}:\n{}",
                    output.stdout
                );
            }
            let failed: Vec<String> = output
                .stdout
                .lines()
                .filter_map(|line| line.trim().strip_prefix("check at "))
                .map(|place| place.trim_end_matches(':').to_owned())
                .collect();
            http.agree(lab, number, step, &failed, args);
        }
        FailsLive { step, markers } => {
            let mut session = lab.test.spawn(lab_start(lab, step));
            session.write("check\n");
            for marker in *markers {
                session.wait_for_stderr(marker, Duration::from_secs(30));
            }
            assert!(
                !session.stderr().contains("✔ Step verified."),
                "move {number}: `{step}` passed before its state was there:\n{}",
                session.stderr()
            );
        }
        Does { step, input } => {
            let output = lab.start_at(step, input);
            // Applying the solution checks at once: the step is then solved, not verified.
            assert!(
                output.stderr.contains("✔ Step verified.")
                    || output.stderr.contains("✔ Step solved"),
                "move {number}: `{step}` was not verified:\n{}",
                output.stderr
            );
            http.agree(lab, number, step, &[], &[]);
        }
        Shell(script) => {
            lab.sh(script);
        }
        Configure(settings) => lab.stub.configure(settings),
        Inspect(assertions) => assertions(lab),
    }
}

fn lab_start(lab: &Lab, step: &str) -> Vec<String> {
    let mut args = vec![
        "start".to_owned(),
        super::lab_lesson(),
        "--step".into(),
        step.into(),
        "--plain".into(),
        "--yes".into(),
    ];
    args.extend(lab.vars(true));
    args
}
