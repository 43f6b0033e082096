//! Tutorials written for other tools, opened as they are: their conventions are understood
//! or stripped, and never make a good tutorial an invalid lesson.

use crate::harness::Test;
use crate::start::{FAST, lab, workspace};

#[test]
fn a_word_in_braces_that_is_no_variable_reaches_the_command_as_written() {
    // Killercoda's `{{exec}}` after a command, and a Go template's `{{end}}`.
    let lab = lab().file(
        "go.md",
        "# Go templates\n\n## List {#list}\n\nRun `echo hi`{{exec}}.\n\n\
         ```bash {run}\necho '{{range .items}}{{.name}}{{end}}' > template.txt\n```\n\n\
         ```bash {check}\ngrep -qx '{{range .items}}{{.name}}{{end}}' template.txt\n```\n",
    );
    lab.run_with(["lint", "go.md"], "")
        .status(0)
        .stdout_contains("`{{end}}` is no variable: it stays as written");
    lab.run_with(["start", "go.md", "--yes"], "\n")
        .status(0)
        .finished_within(FAST)
        .stderr_contains("Lesson complete.");
    let written = std::fs::read_to_string(workspace(&lab, "go").join("template.txt")).unwrap();
    assert_eq!(written, "{{range .items}}{{.name}}{{end}}\n");
}

#[test]
fn a_near_miss_of_a_variable_is_still_an_error_with_its_suggestion() {
    Test::new()
        .file(
            "typo.md",
            "---\nvars:\n  region: { default: eu-de }\n---\n# Typo\n\n## Go\n\n\
             ```bash {check}\necho {{regoin}}\n```\n",
        )
        .args(["lint", "typo.md"])
        .run()
        .status(3)
        .stdout_contains("undefined variable `regoin`")
        .stdout_contains("did you mean `region`?");
}

#[test]
fn braces_in_a_tutorial_for_another_tool_are_not_reported_at_all() {
    // No roles, no `vars:`: Cloud Shell's `{{project_id}}` is its own business.
    Test::new()
        .file(
            "cloudshell.md",
            "# Deploy\n\n## Set the project\n\n```bash\ngcloud config set project {{project_id}}\n```\n",
        )
        .args(["lint", "cloudshell.md", "--deny-warnings"])
        .run()
        .status(0);
}
