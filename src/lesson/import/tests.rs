use super::*;

#[test]
fn headings_of_imported_text_go_below_the_step() {
    assert_eq!(
        demote_headings("# Big\n## Mid\n### Small\n```\n# comment\n```\n"),
        "### Big\n### Mid\n### Small\n```\n# comment\n```\n"
    );
    // A block Killercoda runs closes with ```{{exec}}; a no-break space follows the hashes.
    assert_eq!(
        demote_headings(
            "```
ls
```{{exec}}
# After
##\u{a0}Nbsp
"
        ),
        "```
ls
```{{exec}}
### After
### Nbsp
"
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

#[test]
fn katacoda_editor_snippets_become_commands_that_write_their_file() {
    let text = "## Resources\n\nCopy:\n\n<pre class=\"file\"  data-filename=\"envoy.yaml\" data-target=\"replace\">static_resources:</pre>\n\n\
                ##\u{a0}Listeners\n\n<pre class=\"file\" data-filename=\"envoy.yaml\" data-target=\"append\">  listeners:\n  - a: &quot;b&quot; &lt;c&gt;\n</pre>\n\n\
                <pre class=\"file\" data-target=\"clipboard\">echo hi</pre>\n\n<pre class=\"file\" data-filename=\"/etc/x\">y</pre>\n";
    let mut part = Part::default();
    part.markdown(&killercoda::file_snippets(text));
    assert_eq!(
        part.text,
        "### Resources\n\nCopy:\n\n\n\nWrite `envoy.yaml`:\n\n```sh\ncat > envoy.yaml <<'EOF'\nstatic_resources:\nEOF\n```\n\n\n\n\
         ### Listeners\n\n\n\nAdd to `envoy.yaml`:\n\n```sh\ncat >> envoy.yaml <<'EOF'\n  listeners:\n  - a: \"b\" <c>\nEOF\n```\n\n\n\n\
         \n\n```\necho hi\n```\n\n\n\n\n\n```\ny\n```\n"
    );
}
