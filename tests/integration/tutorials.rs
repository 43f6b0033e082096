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

#[test]
fn other_tools_front_matter_keys_are_ignored_and_a_near_miss_is_an_error_only_in_a_labrun_lesson() {
    let hugo = "---\ntitle: Hello Minikube\ncontent_type: tutorial\nweight: 5\nsumary: x\n---\n\
                # Hello\n\n## Start\n\nRun minikube.\n";
    Test::new()
        .file("hugo.md", hugo)
        .args(["lint", "hugo.md"])
        .run()
        .status(0)
        .stdout_contains("warning[unknown-key]")
        .stdout_contains("did you mean `summary`?")
        .stdout_lacks("`content_type`")
        .stdout_lacks("`weight`");
    let labrun = format!("{hugo}\n```bash {{check}}\ntrue\n```\n");
    Test::new()
        .file("labrun.md", &labrun)
        .args(["lint", "labrun.md"])
        .run()
        .status(3)
        .stdout_contains("error[unknown-key]")
        .stdout_contains("did you mean `summary`?");
}

#[test]
fn an_ibm_docs_topic_shows_its_steps_and_offers_its_commands() {
    let topic = "---\n\ncopyright:\n  years: 2024\nlastupdated: \"2024-05-02\"\n\nsubcollection: Registry\n\n---\n\n\
                 {{site.data.keyword.attribute-definition-list}}\n\n\
                 # Getting started with {{site.data.keyword.registrylong_notm}}\n{: #getting-started}\n\n\
                 ## Install the CLI\n{: #install}\n{: step}\n\n```txt\necho installed > cli.txt\n```\n{: pre}\n";
    let out = Test::new()
        .file("topic.md", topic)
        .args(["show", "topic.md"])
        .run()
        .status(0)
        .stdout_contains("Getting started with IBM Cloud Container Registry")
        .stdout_contains("Step 1/1 · Install the CLI  #install")
        .stdout_contains("$ you run this  sh");
    for raw in ["{:", "{{site", "copyright"] {
        assert!(!out.stdout.contains(raw), "{raw}: {}", out.stdout);
    }
}
