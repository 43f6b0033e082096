//! The test bed itself: the stub refuses what IBM Cloud refuses, so a check that forgets a
//! header or a token fails here as it would against the cloud; and the stand-ins change the
//! stub's state as the real tools change the cloud's.

use super::{ACCOUNT, API_KEY, Lab, PART_1, Stub, lab_lesson};

#[test]
fn the_stub_refuses_calls_without_a_valid_token_and_account_as_the_real_apis_do() {
    let stub = Stub::start();
    let token = stub.token();
    let bearer = format!("Bearer {token}");

    let (status, body) = stub.request(
        "POST",
        "/identity/token",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        "grant_type=urn%3Aibm%3Aparams%3Aoauth%3Agrant-type%3Aapikey&apikey=wrong",
    );
    assert_eq!((status, body.contains("BXNIM0415E")), (400, true), "{body}");
    let (status, body) = stub.request(
        "POST",
        "/identity/token",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        &format!("grant_type=urn%3Aibm%3Aparams%3Aoauth%3Agrant-type%3Aapikey&apikey={API_KEY}"),
    );
    assert_eq!(status, 200, "{body}");
    let issued: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(issued["access_token"], token.as_str());
    assert_eq!(issued["token_type"], "Bearer");
    assert_eq!(issued["expires_in"], 3600);

    for path in ["/api/v1/namespaces", "/va/api/v4/exemptions/account"] {
        let no_token = stub.request("GET", path, &[("Account", ACCOUNT)], "").0;
        let wrong_token = stub
            .request(
                "GET",
                path,
                &[("Authorization", "Bearer nope"), ("Account", ACCOUNT)],
                "",
            )
            .0;
        let no_account = stub
            .request("GET", path, &[("Authorization", &bearer)], "")
            .0;
        let other_account = stub
            .request(
                "GET",
                path,
                &[("Authorization", &bearer), ("Account", "ffff")],
                "",
            )
            .0;
        let right = stub
            .request(
                "GET",
                path,
                &[("Authorization", &bearer), ("Account", ACCOUNT)],
                "",
            )
            .0;
        assert_eq!(
            [no_token, wrong_token, no_account, other_account, right],
            [401, 401, 400, 401, 200],
            "{path}: no token, wrong token, no Account, another account, right"
        );
    }
    assert_eq!(
        stub.request("GET", "/api/v2/keys", &[("Authorization", &bearer)], "")
            .0,
        400,
        "Key Protect wants the bluemix-instance header"
    );
    assert_eq!(
        stub.request("GET", "/global/v2/getCluster?cluster=mycluster", &[], "")
            .0,
        401
    );
    assert_eq!(
        stub.request(
            "GET",
            "/global/v2/getCluster?cluster=mycluster",
            &[("Authorization", &bearer)],
            ""
        )
        .0,
        200
    );
}

#[test]
fn a_rest_check_fails_with_a_wrong_token_and_names_a_missing_one() {
    let lab = Lab::new();
    lab.sh("ibmcloud login --apikey \"$IBMCLOUD_API_KEY\" -r us-south && ibmcloud cr namespace-add birds");
    let mut args = vec![
        "check".to_owned(),
        "--yes".to_owned(),
        lab_lesson(),
        "--step".into(),
        "namespace".into(),
    ];
    args.extend(lab.vars(false));
    lab.labrun(&args, "")
        .status(1)
        .stdout_contains(
            "`iam_token` has no value yet: step \"Get an IAM token for the REST API\" (`iam-token`) sets it",
        );
    let mut wrong = args.clone();
    wrong.extend(["--var".to_owned(), "iam_token=not-a-token".to_owned()]);
    lab.labrun(&wrong, "")
        .status(1)
        .stdout_contains("status: expected 200, got 401")
        .stdout_lacks("not-a-token");
    lab.check("namespace", &[])
        .status(0)
        .stdout_contains("ok        namespace");
}

/// GET a path of the registry or VA API with the stub's token and account.
fn get(lab: &Lab, path: &str) -> serde_json::Value {
    let bearer = format!("Bearer {}", lab.stub.token());
    let (status, body) = lab.stub.request(
        "GET",
        path,
        &[("Authorization", &bearer), ("Account", ACCOUNT)],
        "",
    );
    assert_eq!(status, 200, "GET {path}: {body}");
    serde_json::from_str(&body).expect("JSON")
}

#[test]
fn the_stand_ins_change_the_stub_as_the_real_tools_change_the_cloud() {
    let lab = Lab::with(Stub::with(&["--kms-polls", "2"]));
    let status_path = "/va/api/v4/report/image/status/us.icr.io%2Fbirds%2Fbluebird:1";

    lab.sh(PART_1);
    assert_eq!(
        get(&lab, "/api/v1/namespaces"),
        serde_json::json!(["birds"])
    );
    assert_eq!(
        get(&lab, status_path)["status"],
        "FAIL",
        "a pushed sample image fails VA"
    );
    assert_eq!(
        get(
            &lab,
            "/va/api/v4/report/image/status/us.icr.io/birds/bluebird:1"
        )["status"],
        "FAIL",
        "raw slashes (Portieris) and escaped ones (the SDKs) name the same image"
    );
    let report = get(
        &lab,
        "/va/api/v4/report/image/us.icr.io%2Fbirds%2Fbluebird:1",
    );
    assert_eq!(report["os_distribution"]["version_id"], "13");
    let package = &report["vulnerabilities"][0]["security_notices"][0]["vulnerable_packages"][0];
    assert_eq!(
        (
            &report["vulnerabilities"][0]["cve_id"],
            &package["installed_version"],
            &package["fix_version"]
        ),
        (
            &serde_json::json!("CVE-2025-69277"),
            &serde_json::json!("1.0.18-1"),
            &serde_json::json!("1.0.18-1+deb13u1")
        ),
        "{report}"
    );
    lab.sh("ibmcloud cr exemption-add --scope us.icr.io/birds/bluebird:1 --issue-type cve --issue-id CVE-2025-69277");
    assert_eq!(
        get(&lab, status_path)["status"],
        "WARN",
        "its only issue is exempted"
    );

    // VA scans only releases their vendor supports, and reports only fixed CVEs: the seed's
    // Debian 9 image with wget shows no issues today, and so does a current libsodium23.
    for (tag, dockerfile) in [
        (
            "stretch",
            "FROM debian:9.8\nRUN apt-get install -y wget=1.18-5+deb9u2\n",
        ),
        (
            "current",
            "FROM debian:trixie-slim\nRUN apt-get install -y libsodium23\n",
        ),
        (
            "fixed",
            "FROM debian:13\nRUN apt-get install -y libsodium23=1.0.18-1+deb13u1\n",
        ),
    ] {
        let image = format!("us.icr.io/birds/bluebird:{tag}");
        lab.sh(&format!(
            "printf '{dockerfile}' > {tag}.Dockerfile && docker build -t {image} -f {tag}.Dockerfile . && docker push {image}"
        ));
        let status = get(&lab, &format!("/va/api/v4/report/image/status/{image}"));
        assert_eq!(status["status"], "OK", "{tag}: {status}");
    }

    // Key Protect, then KMS: in progress for two reads of the cluster, then Ready.
    let guid = lab.sh(
        "ibmcloud resource service-instance-create kp kms tiered-pricing us-south >/dev/null \
         && ibmcloud resource service-instance kp | awk '/^GUID:/ {print $2}'",
    );
    let guid = guid.trim();
    lab.sh(&format!(
        "key=$(ibmcloud kp key create root -i {guid} | awk 'END {{print $1}}') \
         && ibmcloud ks kms enable -c mycluster --instance-id {guid} --crk $key"
    ));
    let master = |lab: &Lab| {
        lab.sh("ibmcloud ks cluster get -c mycluster --output json | grep masterStatus")
    };
    assert!(master(&lab).contains("enablement in progress"));
    assert!(master(&lab).contains("enablement in progress"));
    assert!(master(&lab).contains("\"Ready\""));

    // Portieris: an ImagePolicy that wants Notary trust denies every image: Container Registry's
    // notary server is gone, and nothing answers at port 4443.
    lab.sh("ibmcloud ks cluster config -c mycluster && ibmcloud ks cluster image-security enable -c mycluster");
    lab.sh("kubectl run before --image=us.icr.io/birds/bluebird:1 --dry-run=server");
    lab.sh(
        "printf 'apiVersion: portieris.cloud.ibm.com/v1\\nkind: ImagePolicy\\nmetadata:\\n  name: p\\n  \
         namespace: default\\nspec:\\n  repositories:\\n  - name: \"us.icr.io/birds/*\"\\n    policy:\\n      \
         trust:\\n        enabled: true\\n' | kubectl apply -f -",
    );
    let denied =
        lab.sh("kubectl run after --image=us.icr.io/birds/bluebird:1 2>&1; echo \"exit $?\"");
    assert!(
        denied.contains(
            "admission webhook \"trust.hooks.securityenforcement.admission.cloud.ibm.com\" denied the request"
        ) && denied.contains("us.icr.io:4443: connect: connection refused")
            && denied.ends_with("exit 1\n"),
        "{denied}"
    );

    // Calico: the pre-DNAT policy is applied and listed.
    lab.sh("ibmcloud ks cluster config -c mycluster --admin --network");
    let applied = lab.sh(&format!(
        "cp ~/.bluemix/plugins/*/clusters/mycluster*/calicoctl.cfg . && cat > deny.yaml <<'EOF'\n{}EOF\n\
         calicoctl apply -f deny.yaml --config=calicoctl.cfg && calicoctl get globalnetworkpolicy --config=calicoctl.cfg",
        "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n  name: deny-nodeports\nspec:\n  \
         applyOnForward: true\n  preDNAT: true\n  ingress:\n  - action: Deny\n    destination:\n      ports:\n      \
         - 30000:32767\n    protocol: TCP\n    source: {}\n  selector: ibm.role=='worker_public'\n  order: 1100\n  \
         types:\n  - Ingress\n"
    ));
    assert!(
        applied.contains("Successfully applied 1 'GlobalNetworkPolicy' resource(s)"),
        "{applied}"
    );
    assert!(
        applied.lines().any(|l| l.trim() == "deny-nodeports"),
        "{applied}"
    );
}

#[test]
fn the_stand_ins_say_how_to_reach_the_stub_when_they_cannot() {
    let output = std::process::Command::new(super::repo().join("tests/iks/bin/ibmcloud"))
        .arg("target")
        .env_remove("IKS_STUB_URL")
        .env("IKS_PYTHON", super::python())
        .output()
        .expect("run the stand-in");
    assert_eq!(output.status.code(), Some(127));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("IKS_STUB_URL is not set"), "{stderr}");
}

#[test]
fn the_stand_in_gpg_asks_a_new_keys_passphrase_twice_and_again_when_they_differ() {
    let lab = Lab::new();
    // gpg-agent's words (GnuPG `agent/genkey.c`), asked on the terminal as pinentry does.
    let script = format!(
        "PATH='{bin}':\"$PATH\" HOME='{home}' IKS_STUB_URL='{url}' IKS_PYTHON='{python}' \
         gpg --quick-generate-key 'lab-signer@example.com'; echo \"exit $?\"",
        bin = super::repo().join("tests/iks/bin").display(),
        home = lab.home().display(),
        url = lab.stub.url(),
        python = super::python(),
    );
    let mut terminal = crate::pty::Learner::script(lab.test.path(), &script);
    terminal.expect("Please enter the passphrase to protect your new key: ");
    terminal.send("one\r");
    terminal.expect("Please re-enter this passphrase: ");
    terminal.send("two\r");
    terminal.expect("does not match - try again");
    terminal.expect("Please enter the passphrase to protect your new key: ");
    terminal.send("one\r");
    terminal.expect("Please re-enter this passphrase: ");
    terminal.send("one\r");
    terminal.expect("public and secret key created and signed.");
    terminal.expect("exit 0");
    // The key holds the passphrase agreed on: exporting it with the other one fails.
    let export = |passphrase: &str| {
        lab.sh(&format!(
            "gpg --batch --pinentry-mode loopback --passphrase {passphrase} --armor \
             --export-secret-keys lab-signer@example.com > /dev/null 2>&1; echo $?"
        ))
    };
    assert_eq!(export("two").trim(), "2");
    assert_eq!(export("one").trim(), "0");
}
