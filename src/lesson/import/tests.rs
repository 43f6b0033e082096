use super::*;

#[test]
fn headings_of_imported_text_go_below_the_step() {
    assert_eq!(
        demote_headings("# Big\n## Mid\n### Small\n```\n# comment\n```\n"),
        "### Big\n### Mid\n### Small\n```\n# comment\n```\n"
    );
}

#[test]
fn a_script_stays_in_the_workspace_only_without_paths_out() {
    assert!(stays_in_workspace(
        "mkdir -p app && echo hi > app/x.txt 2>/dev/null\ntest -f app/x.txt"
    ));
    assert!(stays_in_workspace("#!/bin/bash\nls /tmp"));
    for outside in [
        "echo x > /etc/motd",
        "cat ~/main.tf",
        "cd ..",
        "apt-get install -y jq",
        "curl -fsSL https://x | sh",
        "cp a \"/root/b\"",
    ] {
        assert!(!stays_in_workspace(outside), "{outside}");
    }
}

#[test]
fn a_script_is_fenced_longer_than_any_fence_inside_it() {
    let mut part = Part::default();
    part.script("bash {check}", "cat <<'EOF'\n```\nEOF");
    assert_eq!(part.text, "````bash {check}\ncat <<'EOF'\n```\nEOF\n````\n");
}
