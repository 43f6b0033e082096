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

/// The corpus: public tutorials written for other tools, each as published
/// (`tests/fixtures/tutorials/SOURCES.md` says where from, and under which licence).
const CORPUS: &str = "tests/fixtures/tutorials";

/// Other tools' markup, as it would show if it were not understood or stripped.
const FOREIGN_MARKUP: &[&str] = &[
    "{{<",
    "{{%",
    "{%",
    "{:",
    "<walkthrough",
    "walkthrough://",
    "{{site.",
    "{{exec",
    "{{copy",
    "{{execute",
    "```{{",
];

/// Lines of what `show` prints that may hold other tools' markup as text: code, where a
/// tutorial about a tool shows its markup.
fn is_code_line(line: &str) -> bool {
    line.trim_start().starts_with(['│', '↪'])
}

/// Entries that are known not to read well yet, and why. The test fails when one of them
/// starts reading well, so the list stays true.
const KNOWN: &[(&str, &str)] = &[];

/// Markup an entry shows on purpose: documentation of that markup, escaped in its source.
const SHOWN_ON_PURPOSE: &[(&str, &str)] = &[(
    "docsify-marked-it",
    "{{site.", // the page about keyrefs writes `{\{site.data.keyword.x}}` to show the syntax
)];

/// What is wrong with one lesson of the corpus: errors, no steps, markup shown raw.
fn problems(entry: &str, lesson: &str, errors: u64, steps: u64) -> Vec<String> {
    let mut found = Vec::new();
    if errors > 0 {
        found.push(format!("{lesson}: {errors} lint errors"));
    }
    if steps == 0 {
        found.push(format!("{lesson}: no steps"));
    }
    let show = std::process::Command::new(env!("CARGO_BIN_EXE_labrun"))
        .args(["show", lesson, "--width", "200"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("run labrun show");
    let text = String::from_utf8_lossy(&show.stdout);
    for line in text.lines().filter(|line| !is_code_line(line)) {
        // MkDocs admonitions and tabs, Docusaurus admonitions and pandoc divs open a line.
        let start = line.trim_start();
        for mark in ["!!! ", "??? ", "???+ ", "=== \"", ":::"] {
            if start.starts_with(mark) {
                found.push(format!("{lesson}: shows `{mark}` raw: {start}"));
            }
        }
        for mark in FOREIGN_MARKUP {
            let on_purpose = SHOWN_ON_PURPOSE.contains(&(entry, *mark));
            if line.contains(mark) && !on_purpose {
                found.push(format!("{lesson}: shows `{mark}` raw: {}", line.trim()));
            }
        }
    }
    found
}

#[test]
fn public_tutorials_show_their_steps_lint_clean_and_no_foreign_markup() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(CORPUS);
    let mut entries: Vec<String> = std::fs::read_dir(&root)
        .expect("the corpus")
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "SOURCES.md")
        .collect();
    entries.sort();
    assert!(
        entries.len() >= 30,
        "{} tutorials in the corpus",
        entries.len()
    );
    let mut failing: Vec<(String, Vec<String>)> = Vec::new();
    for entry in &entries {
        let path = format!("{CORPUS}/{entry}");
        let list = std::process::Command::new(env!("CARGO_BIN_EXE_labrun"))
            .args(["list", &path, "--format", "json"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("run labrun list");
        let lessons: serde_json::Value =
            serde_json::from_slice(&list.stdout).expect("list --format json");
        let mut found = Vec::new();
        for lesson in lessons.as_array().expect("an array") {
            found.extend(problems(
                entry,
                lesson["path"].as_str().unwrap_or_default(),
                lesson["errors"].as_u64().unwrap_or(u64::MAX),
                lesson["steps"].as_u64().unwrap_or(0),
            ));
        }
        if !found.is_empty() {
            failing.push((entry.clone(), found));
        }
    }
    let report: String = failing
        .iter()
        .map(|(entry, found)| format!("{entry}:\n  {}\n", found.join("\n  ")))
        .collect();
    let names: Vec<&str> = failing.iter().map(|(entry, _)| entry.as_str()).collect();
    let known: Vec<&str> = KNOWN.iter().map(|(entry, _)| *entry).collect();
    assert_eq!(names, known, "entries that do not read well:\n{report}");
    let read_well = entries.len() - failing.len();
    assert!(
        read_well * 10 >= entries.len() * 9,
        "{read_well} of {} read well",
        entries.len()
    );
}

#[test]
fn the_corpus_check_catches_errors_missing_steps_and_markup_shown_raw() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("raw.md");
    // A shortcode cut over two lines is no shortcode labrun can read: it shows.
    std::fs::write(&path, "# Raw\n\nText {{< note\n>}} here.\n").unwrap();
    let found = problems("x", path.to_str().unwrap(), 2, 0);
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(found[2].contains("shows `{{<` raw"), "{found:?}");
    let found = problems("x", "tests/fixtures/lint/no-steps.md", 0, 1);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn readmes_of_a_collection_take_their_folders_names_and_a_shared_id_is_a_warning() {
    let page = |title: &str| format!("# {title}\n\n## Do it\n\nRun `ls`.\n");
    let test = Test::new()
        .file("labs/part1/README.md", &page("Part one"))
        .file("labs/part2/README.md", &page("Part two"))
        .file(
            "labs/extra/a.md",
            "---\nid: same\n---\n# A\n\n## One\n\nText.\n",
        )
        .file(
            "labs/extra/b.md",
            "---\nid: same\n---\n# B\n\n## One\n\nText.\n",
        );
    let list = test.run_with(["list", "labs", "--format", "json"], "");
    let ids: Vec<String> = serde_json::from_str::<serde_json::Value>(&list.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|lesson| lesson["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, ["same", "same", "part1", "part2"]);
    test.run_with(["lint", "labs"], "")
        .status(0)
        .stdout_contains("warning[duplicate-lesson-id]: `labs/extra/b.md` has the id `same` of `labs/extra/a.md`")
        .stdout_contains("4 lessons: 0 errors, 1 warning");
}

#[test]
fn a_placeholder_in_a_tutorials_command_is_asked_before_the_command_runs() {
    let lab = lab().file(
        "ph.md",
        "# Placeholders\n\n## Name the cluster\n\nRun this:\n\n```bash\necho \"cluster <cluster-name>\" > name.txt\n```\n",
    );
    lab.run_with(["show", "ph.md", "--commands"], "")
        .status(0)
        .stdout_contains("cluster_name: asked");
    lab.run_with(["start", "ph.md", "--yes"], "dev-7\nrun\n\n")
        .status(0)
        .stderr_contains("cluster name");
    let written = std::fs::read_to_string(workspace(&lab, "ph").join("name.txt")).unwrap();
    assert_eq!(written, "cluster dev-7\n");
}

#[test]
fn a_tutorials_plain_commands_run_and_an_install_block_runs_only_this_machines_package_manager() {
    // Written for another tool: a bare fence of commands, an install block for three
    // systems, a Redis session and output with no language.
    let tutorial = "# Cache\n\n## Install\n\n```\nmkdir -p notes && echo one > notes/a.txt\n```\n\n\
                    Then, in an indented block:\n\n    touch indented.txt\n\n\
                    ```bash\n# macOS\nbrew install redis\n# Alpine\napk add redis\n# Windows\nchoco install redis\n```\n\n\
                    ```bash\n127.0.0.1:6379> SET key 1\n```\n\n```\nOK\n```\n";
    let test = lab()
        .file("cache.md", tutorial)
        .file("bin/apk", "#!/bin/sh\necho \"apk $*\" > apk-ran.txt\n");
    let bin = test.path().join("bin");
    let mut mode = std::fs::metadata(bin.join("apk")).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut mode, 0o755);
    std::fs::set_permissions(bin.join("apk"), mode).unwrap();
    let test = test.env("PATH", &format!("{}:/usr/bin:/bin", bin.display()));
    test.run_with(["show", "cache.md", "--commands"], "")
        .status(0)
        .stdout_contains("mkdir -p notes")
        .stdout_contains("if command -v brew >/dev/null 2>&1; then")
        .stdout_contains("elif command -v apk >/dev/null 2>&1; then")
        .stdout_contains("touch indented.txt")
        .stdout_contains("3 commands")
        .stdout_lacks("SET key");
    test.run_with(["show", "cache.md"], "")
        .status(0)
        .stdout_contains("127.0.0.1:6379> SET key 1");
    test.run_with(["start", "cache.md", "--yes"], "run\n\n\n\n")
        .status(0)
        .finished_within(FAST);
    let workspace = workspace(&test, "cache");
    assert_eq!(
        std::fs::read_to_string(workspace.join("notes/a.txt")).unwrap(),
        "one\n"
    );
    assert!(workspace.join("indented.txt").exists());
    assert_eq!(
        std::fs::read_to_string(workspace.join("apk-ran.txt")).unwrap(),
        "apk add redis\n"
    );
}

#[test]
fn angular_docs_steps_become_steps_and_their_code_a_block() {
    let text = "# Routing\n\n<docs-workflow>\n\n<docs-step title=\"Generate\">\n\
                1. Run:\n\n    <docs-code language=\"shell\">\n    ng generate component details\n    </docs-code>\n\
                </docs-step>\n\n<docs-step title=\"Edit\">\n\
                <docs-code header=\"Add routes in src/main.ts\" path=\"adev/x/main.ts\"/>\n</docs-step>\n\n</docs-workflow>\n";
    let out = Test::new()
        .file("routing.md", text)
        .args(["show", "routing.md", "--width", "100"])
        .env("NO_COLOR", "1")
        .run()
        .status(0)
        .stdout_contains("Step 1/2 · Generate")
        .stdout_contains("$ you run this  shell")
        .stdout_contains("ng generate component details")
        .stdout_contains("Step 2/2 · Edit")
        .stdout_contains("Add routes in src/main.ts");
    assert!(!out.stdout.contains("docs-"), "{}", out.stdout);
}

#[test]
fn a_scenario_folder_opened_as_it_is_is_one_lesson_in_the_order_of_its_index() {
    // Step pages in folders of their own, and an index.json with a trailing comma.
    let test = Test::new()
        .file(
            "scenario/index.json",
            "{\"title\": \"S\", \"details\": {\"intro\": {\"text\": \"intro.md\"},\n\
             \"steps\": [{\"title\": \"B\", \"text\": \"step2/text.md\"}, {\"title\": \"A\", \"text\": \"step1/text.md\"},],\n\
             \"finish\": {\"text\": \"finish.md\"}}}\n",
        )
        .file("scenario/intro.md", "# Welcome\n\nHello.\n")
        .file("scenario/step1/text.md", "# Second\n\nRun `ls`{{exec}}.\n")
        .file("scenario/step2/text.md", "# First\n\nRun `pwd`{{exec}}.\n")
        .file("scenario/finish.md", "# Done\n\nBye.\n");
    test.run_with(["list", "."], "")
        .status(0)
        .stdout_contains("1 lesson");
    let out = test
        .run_with(["show", "scenario"], "")
        .status(0)
        .stdout_contains("4 parts");
    let order: Vec<usize> = ["Welcome", "First", "Second", "Done"]
        .iter()
        .map(|title| out.stdout.find(title).expect(title))
        .collect();
    assert!(order.is_sorted(), "{}", out.stdout);
}
