//! `labrun import`: Killercoda and Katacoda scenarios and Instruqt tracks, as published
//! (`tests/fixtures/import/SOURCES.md`), made into lessons that lint clean; one of labrun's
//! own (`tests/fixtures/import-own/`) whose scripts keep to its folder passes `labrun test`.

use crate::harness::Test;

const PUBLISHED: &str = "tests/fixtures/import";

fn root() -> &'static std::path::Path {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_published_scenario_and_track_imports_into_a_lesson_that_lints_clean() {
    let mut scenarios: Vec<String> = std::fs::read_dir(root().join(PUBLISHED))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "SOURCES.md")
        .collect();
    scenarios.sort();
    let killercoda = scenarios
        .iter()
        .filter(|name| name.starts_with("killercoda") || name.starts_with("katacoda"))
        .count();
    let instruqt = scenarios
        .iter()
        .filter(|name| name.starts_with("instruqt"))
        .count();
    assert!(killercoda >= 4 && instruqt >= 1, "{scenarios:?}");
    let test = Test::new();
    for name in &scenarios {
        let source = root().join(PUBLISHED).join(name);
        let out = test
            .run_with(
                ["import", source.to_str().unwrap(), "-o", name.as_str()],
                "",
            )
            .status(0)
            .stdout_contains("Imported the ");
        assert!(
            out.stdout.contains("Not carried over"),
            "{name}: {}",
            out.stdout
        );
        test.run_with(["lint", name.as_str()], "")
            .status(0)
            .stdout_contains("1 lesson: 0 errors");
        // Nothing of the scenario's own markup shows as text: editor snippets, headings
        // Markdown would not read.
        let shown = test.run_with(["show", name.as_str(), "--width", "200"], "");
        for line in shown.stdout.lines() {
            let line = line.trim_start();
            if line.starts_with(['│', '↪']) {
                continue;
            }
            // (A section of a step shows as `### Title`; hashes before anything else are
            // text Markdown did not read as a heading.)
            let hashes = line.chars().take_while(|&c| c == '#').count();
            assert!(
                !line.contains("<pre") && (hashes == 0 || line.starts_with("### ")),
                "{name} shows markup raw: {line}"
            );
        }
    }
}

#[test]
fn what_cannot_be_carried_over_is_listed_and_nothing_outside_the_workspace_runs_unseen() {
    let source = root()
        .join(PUBLISHED)
        .join("killercoda-opentofu-getting-started");
    let test = Test::new();
    test.run_with(["import", source.to_str().unwrap(), "-o", "tofu"], "")
        .status(0)
        .stdout_contains("the scenario ran on the `kubernetes-kubeadm-1node` image")
        .stdout_contains("foreground script `foreground.sh`")
        .stdout_contains("intro's background script: reaches outside the workspace");
    let intro = std::fs::read_to_string(test.path().join("tofu/00-intro.md")).unwrap();
    assert!(!intro.contains("{setup}"), "{intro}");
    assert!(intro.contains("it is yours to read and run"), "{intro}");
    let track = root().join(PUBLISHED).join("instruqt-puppet-bolt-basics");
    test.run_with(["import", track.to_str().unwrap(), "-o", "bolt"], "")
        .status(0)
        .stdout_contains("the track ran on the virtual machine `puppet`")
        .stdout_contains("cleanup for `puppet` is not carried over");
    let first = std::fs::read_to_string(test.path().join("bolt/01-install-bolt.md")).unwrap();
    assert!(
        first.contains("```bash {check}\n#!/bin/bash\nfail-message() {"),
        "{first}"
    );
    assert!(first.contains("```bash {solve}"), "{first}");
}

#[test]
fn a_scenario_whose_scripts_keep_to_its_folder_passes_labrun_test_once_imported() {
    let source = root().join("tests/fixtures/import-own/killercoda-notes");
    let test = Test::new();
    test.run_with(["import", source.to_str().unwrap(), "-o", "notes"], "")
        .status(0);
    let intro = std::fs::read_to_string(test.path().join("notes/00-intro.md")).unwrap();
    assert!(
        intro.contains("```bash {setup}\n#!/bin/bash\nmkdir -p notes\n```"),
        "{intro}"
    );
    test.run_with(["test", "notes"], "")
        .status(0)
        .stdout_contains("3 passed, 0 failed");
    // The checks are real: with the first command changed, the step fails.
    let step = test.path().join("notes/01-write-a-note.md");
    let text = std::fs::read_to_string(&step)
        .unwrap()
        .replace("labrun is easy", "nothing");
    std::fs::write(&step, text).unwrap();
    test.run_with(["test", "notes"], "")
        .status(1)
        .stdout_contains("FAIL");
}

#[test]
fn import_refuses_a_folder_that_is_no_scenario_and_an_output_that_is_not_empty() {
    let test = Test::new()
        .file("plain/readme.md", "# x\n")
        .file("out/keep.txt", "mine");
    test.run_with(["import", "plain", "-o", "new"], "")
        .status(2)
        .stderr_contains("holds no `index.json` (Killercoda, Katacoda) nor `track.yml` (Instruqt)");
    let source = root().join("tests/fixtures/import-own/killercoda-notes");
    test.run_with(["import", source.to_str().unwrap(), "-o", "out"], "")
        .status(2)
        .stderr_contains("`out` is not empty");
    assert_eq!(
        std::fs::read_to_string(test.path().join("out/keep.txt")).unwrap(),
        "mine"
    );
}
