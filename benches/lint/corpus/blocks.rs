//! A lesson's fenced blocks: shell blocks with every role and attribute, `file=` blocks,
//! output, quizzes and HTTP blocks.

use std::fmt::Write as _;

use super::words::*;
use super::{LessonGen, Rng};

impl LessonGen {
    pub(super) fn command_lines(&self, rng: &mut Rng, min: usize, max: usize) -> String {
        let mut out = String::new();
        for _ in 0..rng.range(min, max) {
            let template = *rng.pick(COMMANDS);
            let mut line = String::with_capacity(template.len() + 32);
            let mut rest = template;
            while let Some(at) = rest.find("$v") {
                line.push_str(&rest[..at]);
                line.push_str(&self.var_ref(rng));
                rest = &rest[at + 2..];
            }
            line.push_str(rest);
            out.push_str(&line);
            out.push('\n');
        }
        out
    }

    pub(super) fn check(&mut self, rng: &mut Rng, out: &mut String) {
        if rng.chance(75) {
            self.shell_block(rng, out, Some("check"));
        } else {
            self.http_block(rng, out, "check");
        }
    }

    /// A shell block: no role (shown, offered to run) or one of the five roles, with the
    /// attributes that role uses in real lessons.
    pub(super) fn shell_block(&mut self, rng: &mut Rng, out: &mut String, role: Option<&str>) {
        let lang = rng.pick(&["bash", "bash", "bash", "sh", "shell", "console"]);
        let mut attrs: Vec<String> = Vec::new();
        let mut body = self.command_lines(rng, 1, 6);
        match role {
            Some("run") => {
                if rng.chance(30) {
                    attrs.push(format!(
                        "timeout={}",
                        rng.pick(&["30s", "2m", "5m", "1m30s", "500ms"])
                    ));
                }
                if rng.chance(10) {
                    attrs.push("interactive".into());
                }
                if rng.chance(10) {
                    attrs.push(format!("shell={}", rng.pick(&["bash", "sh"])));
                }
                if rng.chance(25) {
                    let name = *rng.pick(CAPTURE_NAMES);
                    attrs.push(format!("capture={name}"));
                    if !self.refs.contains(&name) {
                        self.refs.push(name);
                    }
                }
                if rng.chance(8) {
                    // Go templates with `{{end}}` need `raw`: `end` would be a variable.
                    attrs.push("raw".into());
                    body.push_str(
                        "kubectl get pods -o go-template='{{range .items}}{{.metadata.name}}{{\"\\n\"}}{{end}}'\n",
                    );
                }
            }
            Some("check") => {
                if rng.chance(40) {
                    attrs.push(format!("timeout={}", rng.pick(&["30s", "1m", "2m"])));
                    attrs.push(format!("retry={}", rng.range(2, 20)));
                    attrs.push(format!("interval={}", rng.pick(&["1s", "2s", "5s", "10s"])));
                }
                if rng.chance(35) {
                    attrs.push(format!("expect=\"{}\"", rng.pick(EXPECT_REGEXES)));
                }
                if rng.chance(10) {
                    attrs.push(format!("exit={}", rng.range(1, 2)));
                }
                if rng.chance(10) {
                    attrs.push("optional".into());
                }
                if rng.chance(10) {
                    let name = *rng.pick(CAPTURE_NAMES);
                    attrs.push(format!("capture={name}"));
                    if !self.refs.contains(&name) {
                        self.refs.push(name);
                    }
                }
            }
            Some(_) if rng.chance(30) => {
                attrs.push(format!("timeout={}", rng.pick(&["30s", "2m", "10m"])));
            }
            Some(_) | None => {}
        }
        if let Some(role) = role {
            self.expected.role_blocks += 1;
            attrs.insert(0, role.to_owned());
        }
        if attrs.is_empty() {
            let _ = write!(out, "```{lang}\n{body}```\n\n");
        } else {
            // Attributes in any order: the role need not come first.
            if rng.chance(20) && attrs.len() > 1 {
                attrs.swap(0, 1);
            }
            let _ = write!(out, "```{lang} {{{}}}\n{body}```\n\n", attrs.join(" "));
        }
    }

    /// A block with no role written to the workspace: `file=PATH`.
    pub(super) fn file_block(&mut self, rng: &mut Rng, out: &mut String) {
        let (lang, path) = *rng.pick(FILE_PATHS);
        let body = match lang {
            "yaml" => format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n      containers:\n        - name: {name}\n          image: {img}\n          ports:\n            - containerPort: 8080\n",
                name = "hello",
                ns = self.var_ref(rng),
                img = self.var_ref(rng),
            ),
            "json" => format!(
                "{{\n  \"region\": \"{}\",\n  \"retries\": 3,\n  \"labels\": [\"lab\", \"demo\"],\n  \"endpoint\": \"{}\"\n}}\n",
                self.var_ref(rng),
                self.var_ref(rng)
            ),
            "dockerfile" => "FROM docker.io/library/alpine:3.20\nRUN apk add --no-cache curl\nCOPY app /app\nUSER 1000\nENTRYPOINT [\"/app/run\"]\n".to_owned(),
            "toml" => "[package]\nname = \"hello\"\nversion = \"0.1.0\"\nedition = \"2021\"\n".to_owned(),
            "sh" => format!("#!/bin/sh\nset -eu\nuntil {}; do sleep 2; done\n", self.command_lines(rng, 1, 1).trim_end()),
            _ => format!("{}\n", self.sentence(rng)),
        };
        let info = if lang.is_empty() {
            format!("text {{file={path}}}")
        } else {
            format!("{lang} {{file={path}}}")
        };
        let _ = write!(out, "```{info}\n{body}```\n\n");
    }

    /// Console output shown to the learner: a block with no role and no attributes.
    pub(super) fn output_block(&self, rng: &mut Rng, out: &mut String) {
        out.push_str("```text\n");
        for i in 0..rng.range(2, 8) {
            let _ = writeln!(
                out,
                "hello-{:x}-{:05}   {}   {}   {}m",
                rng.next_u64() & 0xffff_ffff,
                i,
                rng.pick(&["Running", "Pending", "Completed", "OK", "WARN"]),
                rng.pick(&["1/1", "0/1", "2/2"]),
                rng.range(1, 59)
            );
        }
        out.push_str("```\n\n");
    }

    pub(super) fn quiz(&mut self, rng: &mut Rng, out: &mut String) {
        self.expected.quizzes += 1;
        let (question, choices) = rng.pick(QUIZZES);
        out.push_str("```quiz\n");
        let _ = writeln!(out, "question: \"{question}\"");
        match rng.below(10) {
            // Free text.
            0 | 1 => {
                let _ = writeln!(
                    out,
                    "answer_pattern: \"(?i)^\\\\s*{}\\\\s*$\"",
                    choices[0].to_lowercase().replace(' ', "\\\\s+")
                );
            }
            // Several right answers.
            2 => {
                out.push_str("choices:\n");
                for choice in *choices {
                    let _ = writeln!(out, "  - \"{choice}\"");
                }
                let _ = writeln!(out, "answer: [\"{}\", \"{}\"]", choices[0], choices[1]);
            }
            _ => {
                out.push_str("choices:\n");
                for choice in *choices {
                    let _ = writeln!(out, "  - \"{choice}\"");
                }
                let _ = writeln!(out, "answer: \"{}\"", choices[0]);
            }
        }
        let _ = writeln!(out, "explain: \"{}\"", self.plain_sentence(rng));
        out.push_str("```\n\n");
    }

    /// An HTTP block of one to three Hurl entries.
    pub(super) fn http_block(&mut self, rng: &mut Rng, out: &mut String, role: &str) {
        self.expected.role_blocks += 1;
        self.expected.http_blocks += 1;
        let mut attrs = vec![role.to_owned()];
        if role == "check" && rng.chance(40) {
            attrs.push(format!("retry={}", rng.range(3, 30)));
            attrs.push(format!("interval={}", rng.pick(&["2s", "5s"])));
        }
        if rng.chance(15) {
            attrs.push("timeout=1m".into());
        }
        let _ = writeln!(out, "```http {{{}}}", attrs.join(" "));
        let entries = rng.range(1, 3);
        for entry in 0..entries {
            if entry > 0 {
                out.push('\n');
            }
            self.http_entry(rng, out, role);
        }
        out.push_str("```\n\n");
    }

    pub(super) fn http_entry(&mut self, rng: &mut Rng, out: &mut String, role: &str) {
        let base = if self.refs.contains(&"api_base") {
            "{{api_base}}".to_owned()
        } else if self.refs.contains(&"service_url") {
            "{{service_url}}".to_owned()
        } else {
            (*rng.pick(&[
                "https://containers.cloud.ibm.com",
                "https://us-south.kms.cloud.ibm.com",
                "http://localhost:8080",
            ]))
            .to_owned()
        };
        let (method, path) = if role == "run" && rng.chance(70) {
            *rng.pick(&[
                ("POST", "/api/v2/keys"),
                ("PUT", "/v1/policies/default"),
                ("DELETE", "/v1/exemptions/cve-2024-0001"),
                ("PATCH", "/v2/config"),
            ])
        } else {
            *rng.pick(&[
                ("GET", "/global/v2/getClusters"),
                ("GET", "/api/v2/keys"),
                ("GET", "/va/api/v4/report/image"),
                ("GET", "/healthz"),
                ("GET", "/v1/namespaces"),
            ])
        };
        let _ = writeln!(out, "{method} {base}{path}");
        if let Some(token) = ["iam_token", "api_key", "github_token"]
            .iter()
            .find(|name| self.refs.contains(name))
        {
            let _ = writeln!(out, "Authorization: Bearer {{{{{token}}}}}");
        }
        out.push_str("Accept: application/json\n");
        if rng.chance(40) {
            let _ = writeln!(
                out,
                "X-Request-Id: lab-{:08x}",
                rng.next_u64() & 0xffff_ffff
            );
        }
        if self.refs.contains(&"instance_id") && rng.chance(60) {
            out.push_str("Bluemix-Instance: {{instance_id}}\n");
        }
        if rng.chance(45) {
            out.push_str("[QueryStringParams]\n");
            for _ in 0..rng.range(1, 3) {
                let (key, value) = *rng.pick(&[
                    ("limit", "50"),
                    ("offset", "0"),
                    ("state", "active"),
                    ("provider", "vpc-gen2"),
                    ("v", "2024-05-01"),
                ]);
                let _ = writeln!(out, "{key}: {value}");
            }
        }
        if rng.chance(15) {
            out.push_str("[Options]\nretry: 5\nretry-interval: 2s\n");
        }
        if method != "GET" && method != "DELETE" {
            let _ = write!(
                out,
                "{{\n  \"name\": \"lab-{}\",\n  \"description\": \"created by labrun\",\n  \"extractable\": false,\n  \"labels\": [\"lab\", \"{}\"]\n}}\n",
                rng.range(1, 999),
                self.var_ref(rng)
            );
        }
        let status = match method {
            "POST" => "201",
            "DELETE" => *rng.pick(&["204", "*"]),
            _ => *rng.pick(&["200", "200", "200", "*"]),
        };
        let _ = writeln!(out, "HTTP {status}");
        if rng.chance(50) {
            out.push_str("[Captures]\n");
            let settable: Vec<&str> = VARS
                .iter()
                .filter(|def| def.set_by_step && self.vars.contains(&def.name))
                .map(|def| def.name)
                .collect();
            for _ in 0..rng.range(1, 2) {
                let name = if !settable.is_empty() && rng.chance(60) {
                    *rng.pick(&settable)
                } else {
                    *rng.pick(HTTP_ONLY_CAPTURES)
                };
                if rng.chance(80) {
                    let _ = writeln!(
                        out,
                        "{name}: jsonpath \"{}\"",
                        rng.pick(&[
                            "$[0].id",
                            "$.resources[0].id",
                            "$.metadata.guid",
                            "$.access_token",
                            "$.items[0].name"
                        ])
                    );
                } else {
                    let _ = writeln!(
                        out,
                        "{name}: header \"{}\"",
                        rng.pick(&["ETag", "Location", "X-Request-Id"])
                    );
                }
            }
        }
        if status != "204" && rng.chance(85) {
            out.push_str("[Asserts]\n");
            for _ in 0..rng.range(1, 5) {
                out.push_str(rng.word(ASSERTS));
                out.push('\n');
            }
        }
    }
}
