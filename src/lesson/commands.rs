//! What a learner can run of a tutorial written for another tool, whose code blocks say less
//! than labrun's: a command in a bare fence, an indented block or a `txt` block; a
//! transcript with no `console` tag; lines typed into a program's own prompt
//! (`127.0.0.1:6379> GET key`), which are not a script; an install block giving each system's package manager in turn.
//!
//! A lesson written for labrun says what is a command, and none of this applies to it.

use super::model::{Block, Lesson};

/// Makes the blocks of a tutorial not written for labrun offer what the learner can run.
pub(super) fn offer(lesson: &mut Lesson) {
    let blocks = lesson
        .parts
        .iter_mut()
        .flat_map(|part| part.blocks.iter_mut())
        .chain(
            lesson
                .steps
                .iter_mut()
                .flat_map(|step| step.blocks.iter_mut()),
        );
    for block in blocks.filter(|block| block.role.is_none() && block.attrs.file.is_none()) {
        offer_block(block);
    }
}

/// The language a block with none, or a plain-text one, gets from what it holds: `console`
/// for a transcript, `sh` for commands.
pub(super) fn language_of_plain(code: &str) -> Option<&'static str> {
    if transcript_commands("console", code).is_some() {
        Some("console")
    } else if is_commands(code) {
        Some("sh")
    } else {
        None
    }
}

fn offer_block(block: &mut Block) {
    let lang = block.lang.to_ascii_lowercase();
    if matches!(
        lang.as_str(),
        "" | "txt" | "text" | "plain" | "plaintext" | "none"
    ) {
        // An indented block (a fenced one has its language from the dialects already).
        match language_of_plain(&block.code) {
            Some("console") => {
                block.code = transcript_commands("console", &block.code).unwrap_or_default();
                block.lang = "console".into();
            }
            Some(lang) => block.lang = lang.into(),
            None => {}
        }
        return;
    }
    if !block.is_shell() {
        return;
    }
    if block.code.lines().any(is_program_prompt) {
        // Typed into a program (started by the block's first line, or before): the learner
        // does it in a shell of their own (the `shell` action), it is not run as a script.
        block.lang = "text".into();
        return;
    }
    if let Some(script) = one_package_manager(&block.code) {
        block.code = script;
    }
}

/// Whether every line of `code` is a command: it starts with a well-known program, a path
/// to one, or a variable assignment, or it is a comment or continues the line before.
/// Output, YAML, JSON and prose start otherwise.
fn is_commands(code: &str) -> bool {
    let mut any = false;
    let mut continued = false;
    for line in code.lines() {
        let trimmed = line.trim();
        let continues = continued;
        continued = trimmed.ends_with('\\');
        if continues || trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if !starts_with_command(trimmed) {
            return false;
        }
        any = true;
    }
    any
}

/// Whether a line of shell starts with a program a tutorial would run.
fn starts_with_command(line: &str) -> bool {
    let mut words = line.split_whitespace().peekable();
    // `sudo`, and assignments before a command (`KUBECONFIG=x kubectl get pods`).
    while let Some(word) = words.peek() {
        let assignment = word.split_once('=').is_some_and(|(name, _)| is_name(name));
        if *word == "sudo" || (assignment && words.clone().nth(1).is_some()) {
            words.next();
        } else {
            break;
        }
    }
    let Some(first) = words.next() else {
        return false;
    };
    if first.starts_with("./") || first.starts_with("~/") {
        return first.len() > 2;
    }
    if first.starts_with('/') {
        // `/usr/local/bin/tool --version`; a path alone is more likely output (`pwd`'s).
        return words.next().is_some();
    }
    if first.contains('=') {
        // `NAME=value` alone sets a variable.
        return first.split_once('=').is_some_and(|(name, _)| is_name(name));
    }
    PROGRAMS.binary_search(&first).is_ok()
}

fn is_name(word: &str) -> bool {
    !word.is_empty()
        && word.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Programs and shell builtins that tutorials tell learners to run, in byte order (a test
/// keeps it sorted). A word that is not here does not make a block a command, so a block of
/// output or data is never offered to run.
const PROGRAMS: &[&str] = &[
    ".",
    "alias",
    "ansible",
    "ansible-playbook",
    "apk",
    "apt",
    "apt-get",
    "argocd",
    "awk",
    "aws",
    "az",
    "base64",
    "bash",
    "brew",
    "bun",
    "bundle",
    "calicoctl",
    "cargo",
    "cat",
    "cd",
    "chmod",
    "choco",
    "chown",
    "clear",
    "cmake",
    "code",
    "composer",
    "cosign",
    "cp",
    "crictl",
    "curl",
    "cut",
    "date",
    "deno",
    "df",
    "diff",
    "dig",
    "dnf",
    "docker",
    "docker-compose",
    "dotnet",
    "du",
    "echo",
    "env",
    "eval",
    "export",
    "find",
    "flux",
    "free",
    "gcloud",
    "gem",
    "git",
    "go",
    "gpg",
    "gradle",
    "grep",
    "gsutil",
    "head",
    "helm",
    "host",
    "hostname",
    "hugo",
    "ibmcloud",
    "ic",
    "istioctl",
    "java",
    "jekyll",
    "jq",
    "k3d",
    "k3s",
    "k9s",
    "kill",
    "kind",
    "kubeadm",
    "kubectl",
    "kustomize",
    "less",
    "ln",
    "ls",
    "make",
    "minikube",
    "mkdir",
    "mkdocs",
    "mv",
    "mvn",
    "nano",
    "nc",
    "netstat",
    "node",
    "npm",
    "npx",
    "nslookup",
    "oc",
    "openssl",
    "pacman",
    "php",
    "ping",
    "pip",
    "pip3",
    "pipx",
    "pnpm",
    "podman",
    "printf",
    "ps",
    "pwd",
    "python",
    "python3",
    "rails",
    "rm",
    "rmdir",
    "ruby",
    "rustc",
    "rustup",
    "scp",
    "sed",
    "set",
    "sh",
    "skaffold",
    "skopeo",
    "snap",
    "sort",
    "source",
    "ssh",
    "sudo",
    "systemctl",
    "tail",
    "tar",
    "tee",
    "terraform",
    "tkn",
    "touch",
    "tree",
    "uname",
    "unset",
    "unzip",
    "vi",
    "vim",
    "watch",
    "wc",
    "wget",
    "which",
    "yarn",
    "yq",
    "yum",
    "zypper",
];

/// A line typed at another program's prompt: a Redis or database shell, a Python, Ruby or
/// Node REPL (`127.0.0.1:6379> `, `mysql> `, `postgres=# `, `>>> `, `irb(main):001:0> `).
fn is_program_prompt(line: &str) -> bool {
    let line = line.trim_start();
    if line.starts_with(">>> ") || line == ">>>" {
        return true;
    }
    let Some((prompt, _)) = line.split_once(' ') else {
        return false;
    };
    // PostgreSQL's `psql` shows the database's name.
    if let Some(database) = prompt
        .strip_suffix("=#")
        .or_else(|| prompt.strip_suffix("=>"))
    {
        return is_name(database);
    }
    let Some(name) = prompt.strip_suffix('>') else {
        return false;
    };
    // A shell prompt (`user@host:~$ `) is a shell's, and `<tag>` is HTML.
    !name.is_empty()
        && !name.starts_with('<')
        && !name.contains(['$', '@', '<', '"', '\''])
        && (name.contains(':')
            || name.contains('(')
            || [
                "mysql", "mariadb", "sqlite", "redis", "mongo", "psql", "cqlsh", "iex", "ghci",
            ]
            .iter()
            .any(|repl| name.starts_with(repl)))
}

/// Package managers, with the systems they belong to.
const PACKAGE_MANAGERS: &[(&str, &str)] = &[
    ("apk", "Alpine"),
    ("apt", "Debian"),
    ("apt-get", "Debian"),
    ("brew", "macOS"),
    ("choco", "Windows"),
    ("dnf", "Fedora"),
    ("pacman", "Arch"),
    ("port", "macOS"),
    ("scoop", "Windows"),
    ("winget", "Windows"),
    ("yum", "Fedora"),
    ("zypper", "openSUSE"),
];

/// The package manager a line of shell runs, if any.
fn package_manager(line: &str) -> Option<&'static str> {
    let mut words = line.split_whitespace();
    let first = words.next()?;
    let program = if first == "sudo" {
        words.next()?
    } else {
        first
    };
    PACKAGE_MANAGERS
        .iter()
        .find(|(name, _)| *name == program)
        .map(|(name, _)| *name)
}

fn system_of(manager: &str) -> &'static str {
    PACKAGE_MANAGERS
        .iter()
        .find(|(name, _)| *name == manager)
        .map_or("", |(_, system)| *system)
}

/// An install block that gives the command for each system (`brew install x`, then
/// `sudo apt-get install x`, then `choco install x`) run as it is would try every one in
/// turn. Returned: a script that runs the lines of the first package manager this machine
/// has, with the lines after it up to the next one, and fails saying so when it has none.
/// `None` when the block uses the package managers of one system or none.
fn one_package_manager(code: &str) -> Option<String> {
    let lines: Vec<&str> = code.lines().collect();
    // Where each system's lines start: lines of one system in a row are one branch.
    let mut starts: Vec<(usize, &str)> = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        if let Some(manager) = package_manager(line.trim())
            && starts
                .last()
                .is_none_or(|(_, last)| system_of(last) != system_of(manager))
        {
            starts.push((index, manager));
        }
    }
    let mut systems: Vec<&str> = starts
        .iter()
        .map(|(_, manager)| system_of(manager))
        .collect();
    systems.sort_unstable();
    systems.dedup();
    if systems.len() < 2 {
        return None;
    }
    let mut script = String::new();
    for line in &lines[..starts[0].0] {
        script.push_str(line);
        script.push('\n');
    }
    for (number, (start, manager)) in starts.iter().enumerate() {
        let end = starts
            .get(number + 1)
            .map_or(lines.len(), |(next, _)| *next);
        let keyword = if number == 0 { "if" } else { "elif" };
        script.push_str(&format!(
            "{keyword} command -v {manager} >/dev/null 2>&1; then\n"
        ));
        for line in &lines[*start..end] {
            script.push_str(line);
            script.push('\n');
        }
    }
    let mut managers: Vec<&str> = Vec::new();
    for (_, manager) in &starts {
        if !managers.contains(manager) {
            managers.push(manager);
        }
    }
    script.push_str(&format!(
        "else\necho 'none of {} is on this machine: install it as your system does' >&2\nfalse\nfi\n",
        managers.join(", ")
    ));
    Some(script)
}

/// The commands of a terminal transcript: the lines after a prompt (`$ `, `user@host:~$ `,
/// `PS C:\> `), with the lines that continue them (after a `\`); `None` for a block that is
/// no transcript (no line starts with a prompt).
pub(super) fn transcript_commands(lang: &str, code: &str) -> Option<String> {
    if !matches!(
        lang.to_ascii_lowercase().as_str(),
        "console" | "shell-session" | "terminal" | "shellsession"
    ) {
        return None;
    }
    let mut commands = String::new();
    let mut continued = false;
    for line in code.lines() {
        let command = if continued {
            Some(line)
        } else {
            after_prompt(line)
        };
        match command {
            Some(command) => {
                commands.push_str(command);
                commands.push('\n');
                continued = command.trim_end().ends_with('\\');
            }
            None => continued = false,
        }
    }
    (!commands.is_empty()).then_some(commands)
}

/// The command after a shell prompt at the start of `line`: `$ `, `% `, `user@host:~/dir$ `,
/// `(venv) $ `.
fn after_prompt(line: &str) -> Option<&str> {
    let line = match line.strip_prefix('(') {
        // A virtualenv's name before the prompt.
        Some(rest) => rest.split_once(") ").map_or(line, |(_, after)| after),
        None => line,
    };
    if let Some(command) = line.strip_prefix("$ ").or_else(|| line.strip_prefix("% ")) {
        return Some(command);
    }
    let (prompt, command) = line.split_once("$ ")?;
    let is_prompt = !prompt.is_empty()
        && !prompt.contains(char::is_whitespace)
        && prompt.contains(['@', ':'])
        && prompt
            .chars()
            .all(|c| c.is_alphanumeric() || "@:~/._-".contains(c));
    is_prompt.then_some(command)
}

#[cfg(test)]
mod tests;
