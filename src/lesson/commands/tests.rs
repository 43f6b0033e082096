use super::*;

#[test]
fn the_programs_are_in_byte_order_for_the_binary_search() {
    let mut sorted = PROGRAMS.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(PROGRAMS, sorted.as_slice());
}

#[test]
fn commands_are_told_from_output_and_data() {
    for commands in [
        "kubectl get pods\n",
        "sudo apt-get update\nsudo apt-get install -y jq\n",
        "# make the folder\nmkdir -p out && cd out\n",
        "KUBECONFIG=./config kubectl get nodes\n",
        "export REGION=eu-de\n",
        "NAME=web\n",
        "./configure --prefix=/usr \\\n  --enable-x\n",
        "/usr/local/bin/kind version\n",
        "docker run \\\n  -p 8080:80 \\\n  nginx\n",
    ] {
        assert!(is_commands(commands), "{commands:?}");
    }
    for text in [
        "",
        "# just a comment\n",
        "NAME   READY   STATUS\nweb-1  1/1     Running\n",
        "apiVersion: v1\nkind: Pod\n",
        "{\n  \"a\": 1\n}\n",
        "Hello from Docker!\n",
        "kubectl get pods\nNAME READY\n",
        "Now the cluster is up\n",
        "/Users/nelle\n",
    ] {
        assert!(!is_commands(text), "{text:?}");
    }
}

#[test]
fn a_plain_block_is_a_transcript_commands_or_neither() {
    assert_eq!(language_of_plain("$ ls\nfile.txt\n"), Some("console"));
    assert_eq!(language_of_plain("git status\n"), Some("sh"));
    assert_eq!(language_of_plain("On branch main\n"), None);
}

#[test]
fn what_is_typed_at_a_program_prompt_does_not_run_in_the_shell() {
    for prompt in [
        "127.0.0.1:6379> SET key 1",
        "redis> GET key",
        "mysql> SHOW DATABASES;",
        "postgres=# \\dt",
        "postgres=> select 1;",
        ">>> print(1)",
        "irb(main):001:0> puts 1",
        "sqlite> .tables",
    ] {
        assert!(is_program_prompt(prompt), "{prompt}");
    }
    for line in [
        "echo a > file",
        "<html> hello",
        "user@host:~$ ls",
        "kubectl get pods",
        "> quoted",
        "a>b c",
    ] {
        assert!(!is_program_prompt(line), "{line}");
    }
}

#[test]
fn an_install_block_for_several_systems_runs_the_lines_of_the_one_this_machine_has() {
    let block = "# macOS\nbrew install kind\n# Debian or Ubuntu\nsudo apt-get update\n\
                 sudo apt-get install -y kind\nkind version\n# Windows\nchoco install kind\n";
    let script = one_package_manager(block).expect("three systems");
    assert_eq!(
        script,
        "# macOS\nif command -v brew >/dev/null 2>&1; then\nbrew install kind\n# Debian or Ubuntu\n\
         elif command -v apt-get >/dev/null 2>&1; then\nsudo apt-get update\n\
         sudo apt-get install -y kind\nkind version\n# Windows\n\
         elif command -v choco >/dev/null 2>&1; then\nchoco install kind\nelse\n\
         echo 'none of brew, apt-get, choco is on this machine: install it as your system does' >&2\n\
         false\nfi\n"
    );
    // One system's package manager (even two of them) is an ordinary block.
    assert_eq!(
        one_package_manager("sudo apt update\nsudo apt-get install -y jq\n"),
        None
    );
    assert_eq!(one_package_manager("kubectl apply -f x.yaml\n"), None);
}

#[test]
fn the_install_script_runs_only_the_branch_of_a_package_manager_on_path() {
    // A real shell, with a PATH holding only a stand-in `apt-get` (and what `sh` needs).
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let stand_in = bin.join("apt-get");
    std::fs::write(&stand_in, "#!/bin/sh\necho \"apt-get $*\" >> \"$LOG\"\n").unwrap();
    std::os::unix::fs::PermissionsExt::set_mode(
        &mut std::fs::metadata(&stand_in).unwrap().permissions(),
        0o755,
    );
    let mut permissions = std::fs::metadata(&stand_in).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(&stand_in, permissions).unwrap();
    let log = dir.path().join("log");
    let script = one_package_manager("brew install kind\napt-get install kind\n").unwrap();
    let run = |path: &str| {
        std::process::Command::new("/bin/sh")
            .args(["-c", &script])
            .env("PATH", path)
            .env("LOG", &log)
            .output()
            .unwrap()
    };
    let out = run(&format!("{}:/usr/bin:/bin", bin.display()));
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        "apt-get install kind\n"
    );
    // With neither on PATH it fails, saying why.
    let out = run("/nonexistent");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("none of brew, apt-get"));
}
