//! Lessons written by someone else, tried as an attacker would: nothing they hide runs, and
//! nothing runs that the learner did not see and allow.

use super::{FAST, lab, workspace};

#[test]
fn a_secret_written_in_the_lesson_cannot_hide_a_command() {
    // The confirmation would show `echo token is ••••` while the shell ran the `touch`.
    let lab = lab().file(
        "hidden.md",
        "---\nid: hidden\nvars:\n  token: { secret: true, default: \"x; touch pwned\" }\n---\n\
         # Hidden\n\n## Echo {#echo}\n\n```bash {run}\necho token is {{token}}\n```\n",
    );
    lab.run_with(["start", "hidden.md", "--yes"], "\n")
        .status(3)
        .stderr_contains("secret variable `token` has a `default` written in the lesson");
    assert!(!workspace(&lab, "hidden").join("pwned").exists());
    assert!(!lab.path().join("pwned").exists());
}

#[test]
fn a_variable_named_bash_env_is_refused_before_anything_runs() {
    let lab = lab().file(
        "env.md",
        "---\nid: env\nvars:\n  BASH_ENV: { value: evil.sh }\n---\n# Env\n\n## Go {#go}\n\n\
         ```sh {file=evil.sh}\ntouch pwned\n```\n\n```bash {run}\necho fine\n```\n",
    );
    lab.run_with(["start", "env.md", "--yes"], "\n")
        .status(3)
        .stderr_contains("`BASH_ENV` cannot be a lesson variable");
    assert!(!workspace(&lab, "env").join("evil.sh").exists());
}

#[test]
fn a_reserved_name_set_at_run_time_is_never_exported() {
    // `$LABRUN_OUTPUT` names are only known at run time: lint cannot see this one.
    let lab = lab().file(
        "late.md",
        "---\nid: late\n---\n# Late\n\n## Set {#set}\n\n```bash {run}\n\
         printf 'touch pwned\\n' > evil.sh\necho \"BASH_ENV=$PWD/evil.sh\" >> \"$LABRUN_OUTPUT\"\n\
         export PROMPT_COMMAND='touch pwned2'\n```\n\n\
         ## Use {#use}\n\n```bash {run}\necho next\n```\n\n```bash {check}\n! test -e pwned\n```\n",
    );
    lab.run_with(["start", "late.md", "--yes"], "\n\n")
        .status(0)
        .finished_within(FAST)
        .stderr_contains("Lesson complete.");
    let workspace = workspace(&lab, "late");
    assert!(workspace.join("evil.sh").exists(), "the first block ran");
    assert!(
        !workspace.join("pwned").exists(),
        "BASH_ENV reached a later block"
    );
}

#[test]
fn a_captured_value_that_holds_a_secret_is_secret_too() {
    let lab = lab().file(
        "header.md",
        "---\nid: header\nvars:\n  token: { secret: true }\n---\n# Header\n\n## Token {#token}\n\n\
         ```bash {run capture=token}\nprintf 'tok-%s\\n' Zq9-x7\n```\n\n\
         ```bash {run capture=auth}\necho \"Bearer $token\"\n```\n\n\
         ```bash {check}\necho \"using $auth\"; test -n \"$auth\"\n```\n",
    );
    let out = lab
        .run_with(["start", "header.md", "--yes"], "\n")
        .status(0)
        .stderr_contains("Lesson complete.");
    assert!(!out.stderr.contains("tok-Zq9-x7"), "{}", out.stderr);
    let log = std::fs::read_to_string(lab.path().join(".progress/header/ada.jsonl")).unwrap();
    assert!(!log.contains("tok-Zq9-x7"), "{log}");
    assert!(
        !log.contains(r#""name":"auth""#),
        "a var_set of a secret: {log}"
    );
}

#[test]
fn the_labrun_output_file_and_its_folder_are_the_learners_alone() {
    let lab = lab().file(
        "perms.md",
        "---\nid: perms\n---\n# Perms\n\n## Look {#look}\n\n```bash {check}\n\
         test \"$(stat -c %a \"$LABRUN_OUTPUT\")\" = 600 || { echo \"file $(stat -c %a \"$LABRUN_OUTPUT\")\"; exit 1; }\n\
         test \"$(stat -c %a \"$(dirname \"$LABRUN_OUTPUT\")\")\" = 700 || { echo folder; exit 1; }\n```\n",
    );
    lab.run_with(["start", "perms.md", "--yes"], "\n")
        .status(0)
        .stderr_contains("✔ Step verified.");
}

const WRITES_BASHRC: &str = "---\nid: rc\n---\n# Rc\n\n## Configure {#configure}\n\n\
    ```sh {file=.bashrc}\nalias ls='touch pwned'\n```\n\n```bash {check}\ntest -f .bashrc\n```\n";

#[test]
fn no_file_is_written_before_consent_nor_when_it_is_refused() {
    let lab = lab().file("rc.md", WRITES_BASHRC);
    lab.run_with(["start", "rc.md"], "n\nquit\n")
        .status(1)
        .stderr_contains("This lesson runs 1 check command and writes 1 file in its folder")
        .stderr_contains("`.bashrc` was not written: the lesson's files need your consent");
    assert!(!workspace(&lab, "rc").join(".bashrc").exists());
}

#[test]
fn a_file_the_lesson_did_not_write_is_replaced_only_when_the_learner_says_so() {
    let lab = lab()
        .file("rc.md", WRITES_BASHRC)
        .file("home/.bashrc", "# mine\n");
    let home = lab.path().join("home");
    let args = ["start", "rc.md", "--workspace", "home"];
    // Consent yes; the question about `.bashrc` defaults to no.
    lab.run_with(args, "y\n\nquit\n")
        .status(1)
        .stderr_contains("The lesson writes `.bashrc`, which is already in its folder")
        .stderr_contains("`.bashrc` was left as it is");
    assert_eq!(
        std::fs::read_to_string(home.join(".bashrc")).unwrap(),
        "# mine\n"
    );
    // Said yes: replaced, and from then on the lesson's own file, written without asking.
    lab.run_with(args, "y\nquit\n").status(1);
    assert!(
        std::fs::read_to_string(home.join(".bashrc"))
            .unwrap()
            .contains("alias ls")
    );
    lab.run_with(args, "quit\n")
        .status(1)
        .stderr_lacks("which is already in its folder");
}

#[cfg(unix)]
#[test]
fn a_pipe_a_device_or_a_huge_file_is_no_lesson_and_nothing_hangs() {
    let lab = lab();
    let fifo = lab.path().join("pipe.md");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo")
            .success()
    );
    std::os::unix::fs::symlink("/dev/zero", lab.path().join("zero.md")).unwrap();
    let huge = std::fs::File::create(lab.path().join("huge.md")).unwrap();
    huge.set_len(17 * 1024 * 1024).unwrap();
    for (file, says) in [
        ("pipe.md", "is not a regular file"),
        ("zero.md", "is not a regular file"),
        ("huge.md", "a lesson file may hold at most"),
    ] {
        for command in ["lint", "start", "show"] {
            let out = lab
                .run_with([command, file], "")
                .status(3)
                .finished_within(FAST);
            // `lint` reports on stdout, the others on stderr.
            let said = format!("{}{}", out.stdout, out.stderr);
            assert!(said.contains(says), "{command} {file}: {said}");
        }
    }
}

#[cfg(unix)]
#[test]
fn links_that_loop_back_to_a_lessons_folder_are_searched_once() {
    let lab = lab().file(
        "course/intro.md",
        "# Intro\n\n## Read {#read}\n\nNothing to do.\n",
    );
    let course = lab.path().join("course");
    std::os::unix::fs::symlink(".", course.join("loop1")).unwrap();
    std::os::unix::fs::symlink("..", course.join("loop2")).unwrap();
    for command in ["lint", "list"] {
        lab.run_with([command, "course"], "")
            .status(0)
            .finished_within(FAST);
    }
    lab.run_with(["lint", "course"], "")
        .stdout_contains("1 lesson: 0 errors");
}

#[cfg(target_os = "linux")]
#[test]
fn a_session_holding_secrets_never_leaves_a_core_dump() {
    let lab = lab().file(
        "core.md",
        "---\nid: core\nvars:\n  token: { prompt: Token, secret: true }\n---\n# Core\n\n\
         ## Use {#use}\n\n```bash {check}\ntest -n \"$token\"\n```\n",
    );
    let mut running = lab.spawn(["start", "core.md"]);
    running.write("y\n");
    running.wait_for_stderr("Token", FAST);
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", running.pid())).unwrap();
    let core = limits
        .lines()
        .find(|line| line.starts_with("Max core file size"))
        .unwrap_or_default()
        .to_owned();
    running.finish(FAST);
    let fields: Vec<&str> = core.split_whitespace().collect();
    assert_eq!(fields.get(4..6), Some(&["0", "0"][..]), "{core}");
}

#[test]
fn check_runs_a_lessons_commands_only_once_they_were_allowed() {
    let lab = lab().file(
        "gate.md",
        "---\nid: gate\n---\n# Gate\n\n## Look {#look}\n\n```bash {check}\ntouch ran\n```\n",
    );
    lab.run_with(["check", "gate.md"], "")
        .status(2)
        .stderr_contains("the lesson's check commands were not allowed to run")
        .stderr_contains("or pass --yes");
    assert!(!workspace(&lab, "gate").join("ran").exists());
    // Allowed in a session: `check` needs nothing more.
    lab.run_with(["start", "gate.md"], "y\nquit\n").status(1);
    lab.run_with(["check", "gate.md"], "")
        .status(0)
        .stdout_contains("ok        look");
}

/// What a terminal would act on, anywhere in `text`: ESC, CSI, BEL, backspace, a lone CR,
/// U+202E.
fn raw_controls(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let hidden = match c {
            '\n' | '\t' => false,
            '\r' => chars.peek() != Some(&'\n'),
            c => c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'),
        };
        if hidden {
            found.push(format!("U+{:04X}", u32::from(c)));
        }
    }
    found
}

#[test]
fn the_raw_control_check_finds_what_a_terminal_acts_on() {
    assert_eq!(raw_controls("ok\r\nfine\tyes\n"), Vec::<String>::new());
    assert_eq!(
        raw_controls("a\x1b[2K\rb\u{202e}\u{9b}"),
        ["U+001B", "U+000D", "U+202E", "U+009B"]
    );
}

#[test]
fn a_lesson_that_hides_a_command_behind_control_characters_is_refused_and_shown_visibly() {
    // On a terminal `echo hello` would be all the confirmation shows: the carriage return
    // and the erase-line sequence wipe `touch pwned` before the learner sees it.
    let lab = lab().file(
        "erase.md",
        "---\nid: erase\n---\n# Erase\n\n## Go {#go}\n\n```bash {run}\n\
         touch pwned\r\x1b[2Kecho hello\n```\n\n```bash {check}\ntrue\n```\n",
    );
    for args in [
        &["start", "erase.md", "--yes"][..],
        &["show", "erase.md", "--commands"],
        &["check", "erase.md", "--yes"],
        &["test", "erase.md"],
    ] {
        let out = lab.run_with(args.iter().copied(), "\n").status(3);
        let all = format!("{}{}", out.stdout, out.stderr);
        // `show` shows even a lesson with errors (and says how many): it is the audit view.
        assert!(
            all.contains("control-character") || all.contains("the lesson has 1 error"),
            "{args:?}: {all}"
        );
        assert!(all.contains("␛[2Kecho hello"), "{args:?}: {all}");
        assert_eq!(raw_controls(&all), Vec::<String>::new(), "{args:?}: {all}");
    }
    assert!(!workspace(&lab, "erase").join("pwned").exists());
    assert!(!lab.path().join("pwned").exists());
}

#[test]
fn escape_sequences_in_titles_yaml_and_character_references_are_refused_too() {
    let lab = lab().file(
        "title.md",
        "---\nid: title\nsummary: \"\\e]0;owned\\a\"\n---\n# Title &#x1b;[8m\n\n\
         ## Step \u{202e}txt.exe {#go}\n\n```bash {check}\ntrue\n```\n",
    );
    let out = lab.run_with(["lint", "title.md"], "").status(3);
    let all = format!("{}{}", out.stdout, out.stderr);
    assert_eq!(all.matches("error[control-character]").count(), 3, "{all}");
    assert!(all.contains("<U+202E>"), "{all}");
    assert_eq!(raw_controls(&all), Vec::<String>::new(), "{all}");
}

#[test]
fn command_output_and_failure_reasons_show_their_control_characters() {
    let lab = lab().file(
        "noisy.md",
        "---\nid: noisy\n---\n# Noisy\n\n## Go {#go}\n\n```bash {run}\n\
         printf 'FAIL\\r\\033[2Kall good \\033]0;owned\\007\\n'\n```\n\n\
         ```bash {check}\nprintf 'checked \\033[8mhidden\\033[0m \\342\\200\\256gnp.exe\\n'; exit 1\n```\n",
    );
    let out = lab
        .run_with(["start", "noisy.md", "--yes"], "\nq\n")
        .stderr_contains("FAIL\n")
        .stderr_contains("␛[2Kall good ␛]0;owned␇")
        .stderr_contains("checked ␛[8mhidden␛[0m <U+202E>gnp.exe");
    assert_eq!(
        raw_controls(&out.stderr),
        Vec::<String>::new(),
        "{}",
        out.stderr
    );
    // `labrun check` and `labrun test` print the same reasons.
    let out = lab
        .run_with(["check", "noisy.md", "--yes"], "")
        .status(1)
        .stdout_contains("checked ␛[8mhidden␛[0m");
    assert_eq!(
        raw_controls(&out.stdout),
        Vec::<String>::new(),
        "{}",
        out.stdout
    );
    let out = lab
        .run_with(["test", "noisy.md"], "")
        .status(1)
        .stdout_contains("checked ␛[8mhidden␛[0m");
    assert_eq!(
        raw_controls(&out.stdout),
        Vec::<String>::new(),
        "{}",
        out.stdout
    );
}

#[test]
fn a_servers_reply_shows_its_control_characters() {
    let server = crate::server::Server::start();
    server.route(
        "/status",
        crate::server::Reply::text(503, "\x1b[2J\x1b[32mall good\x1b[0m\u{202e}"),
    );
    let lab = lab().file(
        "api.md",
        &format!(
            "---\nid: api\n---\n# Api\n\n## Go {{#go}}\n\n```http {{check}}\nGET {}\nHTTP 200\n```\n",
            server.url("/status")
        ),
    );
    let out = lab
        .run_with(["start", "api.md", "--yes"], "\nq\n")
        .stderr_contains("␛[2J␛[32mall good␛[0m<U+202E>");
    assert_eq!(
        raw_controls(&out.stderr),
        Vec::<String>::new(),
        "{}",
        out.stderr
    );
}

#[test]
fn learner_names_from_logs_reach_the_report_with_their_control_characters_shown() {
    let name = "\x1b]0;owned\x07\x1b[2Kada";
    let lab = lab().file(
        "logs/hello/ada.jsonl",
        &format!(
            "{{\"v\":1,\"ts\":\"2026-11-24T10:00:00Z\",\"learner\":{name:?},\"lesson\":\"hello\",\
             \"event\":\"session_started\",\"title\":\"Hello\",\"lesson_hash\":\"a1\",\"steps\":[\"one\"]}}\n\
             {{\"v\":1,\"ts\":\"2026-11-24T10:00:05Z\",\"learner\":{name:?},\"lesson\":\"hello\",\
             \"event\":\"step_entered\",\"step\":\"one\"}}\n"
        )
        .replace("\\u{1b}", "\\u001b")
        .replace("\\u{7}", "\\u0007"),
    );
    for format in ["table", "markdown", "csv", "json", "html"] {
        let out = lab
            .run_with(["report", "logs", "--format", format], "")
            .status(0);
        assert_eq!(
            raw_controls(&out.stdout),
            Vec::<String>::new(),
            "{format}: {}",
            out.stdout
        );
        if format != "json" && format != "html" {
            // Markdown escapes the brackets too: `␛\]0;owned␇␛\[2Kada`.
            let shown = out.stdout.replace('\\', "");
            assert!(
                shown.contains("␛]0;owned␇␛[2Kada"),
                "{format}: {}",
                out.stdout
            );
        }
    }
}

#[test]
fn a_secret_split_by_a_pause_or_encoded_for_a_url_or_json_is_still_masked() {
    let secret = "p@ss/w0rd-Zq9x";
    let lab = lab().file(
        "encoded.md",
        "---\nid: encoded\nvars:\n  token: { secret: true }\n---\n# Encoded\n\n## Use {#use}\n\n\
         ```bash {run}\nprintf 'half: %s' \"${token:0:7}\"; sleep 0.5; printf '%s\\n' \"${token:7}\"\n\
         printf 'url: https://x.test/?t=%s\\n' \"$(printf %s \"$token\" | sed 's/@/%40/; s|/|%2F|')\"\n\
         printf 'json: {\"t\":\"%s\"}\\n' \"$(printf %s \"$token\" | sed 's|/|\\\\/|')\"\n```\n\n\
         ```bash {check}\ntrue\n```\n",
    );
    let var = format!("token={secret}");
    let out = lab
        .run_with(
            ["start", "encoded.md", "--yes", "--var", var.as_str()],
            "\n\n",
        )
        .status(0)
        // The pause shows the line's start on its own; the secret's half is held back.
        .stderr_contains("| half: ")
        .stderr_contains("url: https://x.test/?t=••••\n")
        .stderr_contains("json: {\"t\":\"••••\"}\n");
    for piece in ["p@ss/w0", "rd-Zq9x", "p%40ss", "ss\\/w0"] {
        assert!(!out.stderr.contains(piece), "{piece}: {}", out.stderr);
    }
}

#[test]
fn a_file_named_after_a_secret_is_never_written() {
    // Lint refuses `file=` naming a secret variable; this name only holds the secret at run
    // time, through a value captured from it.
    let lab = lab().file(
        "named.md",
        "---\nid: named\nvars:\n  token: { secret: true }\n---\n# Named\n\n## Name {#name}\n\n\
         ```bash {run capture=label}\necho \"key-$token\"\n```\n\n```bash {check}\ntrue\n```\n\n\
         ## Write {#write}\n\n```text {file=\"notes-{{label}}.txt\"}\nhello\n```\n\n\
         ```bash {check}\ntrue\n```\n",
    );
    let out = lab
        .run_with(
            ["start", "named.md", "--yes", "--var", "token=Zq9x7Secret"],
            "\n\n\n",
        )
        .stderr_contains("`notes-••••.txt` was not written: its name would hold a secret");
    assert!(!out.stderr.contains("Zq9x7Secret"), "{}", out.stderr);
    let names: Vec<String> = std::fs::read_dir(workspace(&lab, "named"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|name| !name.starts_with("notes-")),
        "{names:?}"
    );
}

#[test]
fn learners_whose_names_look_alike_keep_logs_of_their_own() {
    let lab = lab().file(
        "one.md",
        "---\nid: one\n---\n# One\n\n## Only {#only}\n\n```bash {check}\ntrue\n```\n",
    );
    lab.run_with(["start", "one.md", "--yes", "--learner", "ada_x"], "\n")
        .status(0)
        .stderr_contains("Lesson complete.");
    for other in ["ada x", "ada@x"] {
        lab.run_with(["status", "one.md", "--learner", other], "")
            .status(0)
            .stdout_contains("not started, 0/1 steps");
    }
    lab.run_with(["status", "one.md", "--learner", "ada_x"], "")
        .status(0)
        .stdout_contains("complete, 1/1 steps");
}

#[test]
fn a_noisy_failing_check_keeps_a_short_reason_and_a_huge_log_line_is_skipped() {
    let lab = lab().file(
        "noise.md",
        "---\nid: noise\n---\n# Noise\n\n## Go {#go}\n\n```bash {check}\n\
         head -c 3000000 /dev/zero | tr '\\0' x; echo; exit 1\n```\n",
    );
    lab.run_with(["check", "noise.md", "--yes"], "")
        .status(1)
        .stdout_contains("more characters)");
    let log_path = lab.path().join(".progress/noise/ada.jsonl");
    let log = std::fs::read_to_string(&log_path).unwrap();
    let longest = log.lines().map(str::len).max().unwrap();
    assert!(longest < 20_000, "a log line of {longest} bytes");
    // A line no labrun writes (a log edited, or from elsewhere) is skipped, not held.
    let huge = format!(
        "{{\"v\":1,\"ts\":\"2026-11-24T10:00:00Z\",\"learner\":\"ada\",\"lesson\":\"noise\",\
         \"event\":\"check_failed\",\"step\":\"go\",\"attempt\":9,\"reason\":\"{}\"}}\n",
        "y".repeat(5_000_000)
    );
    std::fs::write(&log_path, format!("{log}{huge}")).unwrap();
    lab.run_with(["report", ".progress"], "")
        .status(0)
        .stderr_contains("longer than any event");
    lab.run_with(["status", "noise.md"], "")
        .status(0)
        .stderr_contains("longer than any event");
}

#[test]
fn show_commands_and_consent_list_every_variable_with_where_its_value_comes_from() {
    let lab = lab().env("API_KEY", "k-123").file(
        "vars.md",
        "---\nid: vars\nvars:\n  region: { prompt: Region, default: eu-de }\n  \
         key: { secret: true, env: API_KEY }\n  app: { value: \"web-{{learner}}\" }\n---\n\
         # Vars\n\n## One {#one}\n\n```text {file=notes.txt}\nhi\n```\n\n\
         ```bash {run capture=ns}\necho \"ns-$app\"\n```\n\n\
         ```bash {check}\ntest -n \"$ns$region$key\"\n```\n",
    );
    let listed = [
        "region: asked (the lesson's default: `eu-de`)",
        "key (secret): read from `$API_KEY`, else asked",
        "app: written in the lesson: `web-{{learner}}`",
        "ns: set from the output of a command (capture=) at vars.md:16",
    ];
    let show = lab
        .run_with(["show", "vars.md", "--commands"], "")
        .status(0);
    let shown = show.stdout.replace('\n', " ");
    for line in listed {
        assert!(shown.contains(line), "{line}: {}", show.stdout);
    }
    // Consent is asked before anything else, and lists the same; refused, nothing happens.
    let start = lab
        .run_with(["start", "vars.md"], "n\n")
        .stderr_contains("Files it writes: `notes.txt`.");
    for line in listed {
        let line = line
            .replacen(": ", "`: ", 1)
            .replacen(" (secret)`", "` (secret)", 1);
        assert!(
            start.stderr.contains(&format!("• `{line}")),
            "{line}: {}",
            start.stderr
        );
    }
    assert!(!workspace(&lab, "vars").join("notes.txt").exists());
    // A value the learner gives stands for what the lesson writes or asks.
    lab.run_with(["start", "vars.md", "--var", "app=mine"], "n\n")
        .stderr_contains("• `app`: given with `--var`")
        .stderr_lacks("web-{{learner}}")
        .stderr_contains("• `region`: asked (the lesson's default: `eu-de`)");
}

#[test]
fn the_private_folder_of_a_killed_labrun_is_removed_by_the_next_one() {
    let lab = lab().file(
        "one.md",
        "---\nid: one\n---\n# One\n\n## Only {#only}\n\n```bash {run}\necho hi\n```\n\n\
         ```bash {check}\ntrue\n```\n",
    );
    // What a labrun killed with SIGKILL leaves: its folder, a `$LABRUN_OUTPUT` in it.
    let mut gone = std::process::Command::new("true").spawn().unwrap();
    let pid = gone.id();
    gone.wait().unwrap();
    let tmp = lab.path().join("tmp");
    let orphan = tmp.join(format!("labrun-{pid}-x1y2z3"));
    std::fs::create_dir(&orphan).unwrap();
    std::fs::write(orphan.join("3.output"), "token=s3cr3t\n").unwrap();
    // One whose labrun still runs stays.
    let alive = tmp.join(format!("labrun-{}-a1b2c3", std::process::id()));
    std::fs::create_dir(&alive).unwrap();
    lab.run_with(["start", "one.md", "--yes"], "\n")
        .status(0)
        .stderr_contains("Lesson complete.");
    assert!(!orphan.exists(), "the orphan is still there");
    assert!(alive.exists(), "a live process's folder was removed");
}
