//! A deterministic generator of realistic lessons for the lint benchmark.
//!
//! Every lesson is built from the same seed, so two runs (and two machines) lint the very
//! same text. The lessons use the whole format of DESIGN.md: front matter with variables and
//! required tools, an intro with a callout and lesson-wide `setup`/`cleanup` blocks, and
//! steps mixing prose (bold, code, links, `{{var}}` references, Go templates), lists with
//! nested fenced blocks, tables, shell blocks with every role and attribute, HTTP blocks in
//! the Hurl subset, quizzes, hints, solutions in `<details>`, callouts and images.
//!
//! The generator keeps the lessons valid (every `{{NAME}}` is declared or captured, every
//! step that runs something has a check, step ids are unique, quiz answers are among the
//! choices) and counts what it wrote, so the benchmark can show that lint built the model
//! it was meant to build instead of stopping early.

use std::collections::HashSet;
use std::fmt::Write as _;

/// SplitMix64: tiny, fast and good enough to vary text.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// One word (or phrase) of a list.
    pub fn word(&mut self, items: &[&'static str]) -> &'static str {
        items[self.below(items.len())]
    }
}

/// What the generator wrote into a lesson, to compare with the model lint builds.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Expected {
    pub steps: usize,
    /// Fenced blocks with a role (shell and HTTP), wherever they are.
    pub role_blocks: usize,
    pub http_blocks: usize,
    pub quizzes: usize,
    pub hints: usize,
    pub images: usize,
    pub local_images: usize,
}

impl Expected {
    pub fn add(&mut self, other: &Expected) {
        self.steps += other.steps;
        self.role_blocks += other.role_blocks;
        self.http_blocks += other.http_blocks;
        self.quizzes += other.quizzes;
        self.hints += other.hints;
        self.images += other.images;
        self.local_images += other.local_images;
    }
}

/// One generated lesson: a single file, or a folder whose files are its parts.
pub struct GenLesson {
    /// Relative to the corpus folder: `lesson-00001.md` or `folders/lab-00042`.
    pub path: String,
    /// (path relative to the corpus folder, text) of each part, in order.
    pub parts: Vec<(String, String)>,
    pub expected: Expected,
}

pub struct Corpus {
    pub lessons: Vec<GenLesson>,
    /// Local images the lessons show, relative to the corpus folder: they must exist.
    pub images: Vec<String>,
    pub bytes: usize,
}

/// Generates lessons until they hold at least `min_bytes` of Markdown.
pub fn generate(seed: u64, min_bytes: usize) -> Corpus {
    let mut rng = Rng::new(seed);
    let mut lessons = Vec::new();
    let mut bytes = 0;
    let mut index = 0;
    while bytes < min_bytes {
        index += 1;
        let folder = rng.chance(8);
        let lesson = if folder {
            let parts = rng.range(2, 4);
            LessonGen::new(&mut rng, index).folder_lesson(&mut rng, parts)
        } else {
            LessonGen::new(&mut rng, index).file_lesson(&mut rng)
        };
        bytes += lesson
            .parts
            .iter()
            .map(|(_, text)| text.len())
            .sum::<usize>();
        lessons.push(lesson);
    }
    let images = LOCAL_IMAGES
        .iter()
        .map(|name| format!("img/{name}"))
        .collect();
    Corpus {
        lessons,
        images,
        bytes,
    }
}

// ---------------------------------------------------------------------------------------
// Vocabulary

/// A front matter variable: its name, its YAML (indented under `vars:`), the variables its
/// `value` template needs, and whether a step sets it (an HTTP `[Captures]` or `capture=`).
struct VarDef {
    name: &'static str,
    yaml: &'static str,
    needs: &'static [&'static str],
    set_by_step: bool,
}

const VARS: &[VarDef] = &[
    VarDef {
        name: "region",
        yaml: "  region:\n    description: \"The IBM Cloud region to work in\"\n    prompt: Which region?\n    default: us-south\n    choices: [us-south, us-east, eu-de, eu-gb, jp-tok, au-syd]\n    pattern: \"^[a-z]+-[a-z]+$\"\n    env: IBMCLOUD_REGION\n",
        needs: &[],
        set_by_step: false,
    },
    VarDef {
        name: "api_key",
        yaml: "  api_key: { secret: true, env: IBMCLOUD_API_KEY, prompt: \"Your IBM Cloud API key\" }\n",
        needs: &[],
        set_by_step: false,
    },
    VarDef {
        name: "namespace",
        yaml: "  namespace:\n    description: \"Your own registry namespace, unique in the region\"\n    prompt: Name a registry namespace\n    default: lab-ns\n    pattern: \"^[a-z0-9][a-z0-9_-]{3,29}$\"\n",
        needs: &[],
        set_by_step: false,
    },
    VarDef {
        name: "registry",
        yaml: "  registry: { value: \"{{region}}.icr.io\" }\n",
        needs: &["region"],
        set_by_step: false,
    },
    VarDef {
        name: "cluster_name",
        yaml: "  cluster_name:\n    description: \"The Kubernetes cluster of the lab\"\n    prompt: Which cluster?\n    default: lab-cluster\n    pattern: \"^[a-z][a-z0-9-]{2,31}$\"\n    env: LAB_CLUSTER\n",
        needs: &[],
        set_by_step: false,
    },
    VarDef {
        name: "image_name",
        yaml: "  image_name:\n    prompt: \"Image name\"\n    default: hello-world\n",
        needs: &[],
        set_by_step: false,
    },
    VarDef {
        name: "image_tag",
        yaml: "  image_tag:\n    prompt: Which tag?\n    default: v1\n    choices: [v1, v2, latest]\n",
        needs: &[],
        set_by_step: false,
    },
    VarDef {
        name: "image",
        yaml: "  image:\n    description: \"The full image reference\"\n    value: \"{{registry}}/{{namespace}}/{{image_name}}:{{image_tag}}\"\n",
        needs: &["registry", "namespace", "image_name", "image_tag"],
        set_by_step: false,
    },
    VarDef {
        name: "resource_group",
        yaml: "  resource_group: { prompt: \"Resource group\", default: Default, env: IBMCLOUD_RESOURCE_GROUP }\n",
        needs: &[],
        set_by_step: false,
    },
    VarDef {
        name: "github_user",
        yaml: "  github_user:\n    prompt: Your GitHub user name\n    pattern: \"^[A-Za-z0-9-]{1,39}$\"\n    env: GITHUB_USER\n",
        needs: &[],
        set_by_step: false,
    },
    VarDef {
        name: "github_token",
        yaml: "  github_token:\n    description: \"A token with the repo scope\"\n    prompt: GitHub token\n    secret: true\n    env: GITHUB_TOKEN\n",
        needs: &[],
        set_by_step: false,
    },
    VarDef {
        name: "db_password",
        yaml: "  db_password: { prompt: \"A password for the database (12 characters or more)\", secret: true, pattern: \"^.{12,}$\" }\n",
        needs: &[],
        set_by_step: false,
    },
    VarDef {
        name: "app_port",
        yaml: "  app_port:\n    prompt: Which local port should the app listen on?\n    default: 8080\n    pattern: \"^[0-9]{2,5}$\"\n",
        needs: &[],
        set_by_step: false,
    },
    VarDef {
        name: "service_url",
        yaml: "  service_url: { value: \"http://localhost:{{app_port}}\" }\n",
        needs: &["app_port"],
        set_by_step: false,
    },
    VarDef {
        name: "api_base",
        yaml: "  api_base:\n    description: \"The regional API endpoint\"\n    value: \"https://{{region}}.containers.cloud.ibm.com\"\n",
        needs: &["region"],
        set_by_step: false,
    },
    VarDef {
        name: "replicas",
        yaml: "  replicas:\n    prompt: How many replicas?\n    default: 3\n    choices: [1, 2, 3, 5]\n",
        needs: &[],
        set_by_step: false,
    },
    VarDef {
        name: "environment",
        yaml: "  environment: { prompt: \"Target environment\", default: dev, choices: [dev, staging, prod] }\n",
        needs: &[],
        set_by_step: false,
    },
    VarDef {
        name: "cluster_id",
        yaml: "  cluster_id:\n    description: \"Set by the step that lists the clusters\"\n",
        needs: &[],
        set_by_step: true,
    },
    VarDef {
        name: "iam_token",
        yaml: "  iam_token: { description: \"An IAM access token, set by the login step\", secret: true }\n",
        needs: &[],
        set_by_step: true,
    },
    VarDef {
        name: "instance_id",
        yaml: "  instance_id:\n    description: \"The Key Protect instance GUID\"\n",
        needs: &[],
        set_by_step: true,
    },
    VarDef {
        name: "key_id",
        yaml: "  key_id: { description: \"The id of the root key, set when it is created\" }\n",
        needs: &[],
        set_by_step: true,
    },
];

/// Names `capture=` may set; they need no declaration.
const CAPTURE_NAMES: &[&str] = &[
    "pod_name",
    "node_ip",
    "digest",
    "crn",
    "fingerprint",
    "build_id",
    "commit_sha",
    "lb_host",
    "secret_name",
    "policy_name",
    "pvc_name",
    "job_id",
];

/// HTTP capture names that nothing references (the declared ones are used when present).
const HTTP_ONLY_CAPTURES: &[&str] = &["etag", "request_id", "location", "trace_id", "page_token"];

const TOOLS: &[&str] = &[
    "    - kubectl\n",
    "    - { name: ibmcloud, hint: \"curl -fsSL https://clis.cloud.ibm.com/install/linux | sh\" }\n",
    "    - name: jq\n      hint: \"apt-get install jq, or brew install jq\"\n",
    "    - docker\n",
    "    - { name: helm, hint: \"https://helm.sh/docs/intro/install/\" }\n",
    "    - git\n",
    "    - curl\n",
    "    - { name: calicoctl, hint: \"ibmcloud ks cluster config --admin, then install calicoctl\" }\n",
    "    - name: openssl\n",
];

const TOOL_NAMES: &[&str] = &[
    "kubectl",
    "ibmcloud",
    "docker",
    "helm",
    "jq",
    "curl",
    "git",
    "calicoctl",
    "skopeo",
    "openssl",
];

const NOUNS: &[&str] = &[
    "the image",
    "your namespace",
    "the cluster",
    "the deployment",
    "the service",
    "the root key",
    "the registry",
    "the pod",
    "the secret",
    "the config map",
    "the policy",
    "the network policy",
    "the worker nodes",
    "the ingress",
    "the load balancer",
    "the build",
    "the Helm chart",
    "the access group",
    "the service ID",
    "the API key",
    "the vulnerability report",
    "the exemption",
    "the trust data",
    "the signing key",
    "the repository",
    "the volume",
    "the job",
    "the manifest",
];

const VERBS: &[&str] = &[
    "Create",
    "Push",
    "Tag",
    "Scan",
    "Deploy",
    "Inspect",
    "Sign",
    "Verify",
    "Expose",
    "Scale",
    "Protect",
    "Rotate",
    "Restrict",
    "Enable",
    "Configure",
    "Clean up",
    "Roll out",
    "Label",
    "Delete",
    "Build",
    "Log in to",
    "Connect to",
    "Encrypt",
    "Exempt",
    "Watch",
    "Back up",
];

const OBJECTS: &[&str] = &[
    "the registry namespace",
    "the image",
    "a second tag",
    "the vulnerable image",
    "the application",
    "the deployment",
    "the service",
    "the cluster secrets",
    "a root key",
    "the image policy",
    "the network policy",
    "the Calico profile",
    "the worker pool",
    "an ingress",
    "the Helm release",
    "the build pipeline",
    "the access group",
    "the service ID",
    "the trust server",
    "the signer",
    "the content trust key",
    "the persistent volume",
    "the job",
    "the config map",
    "the audit log",
    "the API key",
    "the load balancer",
    "the DNS record",
    "the TLS certificate",
    "the exemption list",
    "Key Protect",
    "Vulnerability Advisor",
    "Portieris",
    "the container registry",
    "the pods",
];

const EMPHASIS: &[&str] = &[
    "before",
    "only",
    "every",
    "not",
    "exactly",
    "read-only",
    "idempotent",
    "once",
    "all",
    "first",
];

const BOLD: &[&str] = &[
    "checks",
    "verified",
    "signed",
    "trusted",
    "encrypted",
    "denied",
    "ready",
    "Running",
    "the same tag",
    "read-only",
    "never",
    "workspace",
    "solution",
    "retry budget",
    "digest",
    "exempt",
    "immutable",
];

const LINKS: &[(&str, &str)] = &[
    (
        "the Container Registry docs",
        "https://cloud.ibm.com/docs/Registry?topic=Registry-getting-started",
    ),
    (
        "Vulnerability Advisor",
        "https://cloud.ibm.com/docs/Registry?topic=va-va_index",
    ),
    (
        "Key Protect",
        "https://cloud.ibm.com/docs/key-protect?topic=key-protect-about",
    ),
    (
        "Docker Content Trust",
        "https://docs.docker.com/engine/security/trust/",
    ),
    ("Portieris", "https://github.com/IBM/portieris"),
    (
        "Calico network policies",
        "https://docs.tigera.io/calico/latest/network-policy/",
    ),
    (
        "the kubectl cheat sheet",
        "https://kubernetes.io/docs/reference/kubectl/cheatsheet/",
    ),
    (
        "Hurl asserts",
        "https://hurl.dev/docs/asserting-response.html",
    ),
    ("JSONPath", "https://goessner.net/articles/JsonPath/"),
    ("the Helm docs", "https://helm.sh/docs/"),
    (
        "the IAM API",
        "https://cloud.ibm.com/apidocs/iam-identity-token-api",
    ),
    (
        "GitHub alerts",
        "https://docs.github.com/en/get-started/writing-on-github/getting-started-with-writing-and-formatting-on-github/basic-writing-and-formatting-syntax#alerts",
    ),
];

const GO_TEMPLATES: &[&str] = &[
    "`--format '{{ .Repository }}:{{ .Tag }}'`",
    "`{{ .Values.image.repository }}`",
    "`docker inspect --format '{{ .Id }}'`",
    "`{{ .Release.Name }}`",
    "`-o go-template='{{ .status.phase }}'`",
    "{{ .Digest }}",
];

/// Inline commands; `$v` is a variable reference.
const INLINE_CODE: &[&str] = &[
    "kubectl get pods -n $v",
    "ibmcloud cr image-list --restrict $v",
    "ibmcloud ks cluster config --cluster $v",
    "docker push $v",
    "helm upgrade --install lab ./chart",
    "jq .items",
    "ibmcloud target -r $v",
    "kubectl rollout status deploy/hello",
    "ibmcloud cr va $v",
    "curl -fsS $v/healthz",
    "labrun check",
    "ibmcloud kp keys",
    "kubectl describe pod",
    "git log --oneline",
    "ibmcloud iam api-keys",
    "$v",
];

const SENTENCES: &[&str] = &[
    "Run $C to list $N in $R.",
    "This step uses $T to change $N; the check below waits until it is **ready**.",
    "If $N is missing, read $L first and come back to this step.",
    "The output of $C should mention $R, the value you chose at the start.",
    "$T prints $G for each entry, which keeps the output short enough to read.",
    "You do not need to type $R yourself: labrun puts your answer there.",
    "Keep in mind that $N is shared by everyone in the account, so use $R and *only* $R.",
    "The check is $B: it never changes anything, so you can run it as often as you like.",
    "See $L for what each field of $N means.",
    "When $C returns nothing, $N has not been created yet.",
    "A template such as $G is left as written, because only a bare name in double braces is a variable.",
    "Use $C to confirm that $N now exists, then move on.",
    "It can take a minute or two for $N to settle; the check polls until it does.",
    "Most problems at this point come from $N: compare it with $R.",
    "The next block writes $N into your workspace, where $T will find it.",
    "Note that $T reads `$E` settings $E, so order matters here.",
    "This is the $B part of the lab, and it is worth reading slowly.",
    "In a real project $N would live in its own repository; here it is a file in the workspace.",
    "Read [the step on $N](#$S) again if the output looks different.",
    "You have now finished with $N, and the rest of the lesson builds on it.",
    "The command is $E safe to run twice: it does nothing when $N is already there.",
    "Open $L in a browser if you prefer to see $N in the console.",
    "![Diagram of $N]($I)",
    "An instructor can find your result for this step in the progress report.",
    "Both $T and $C read `$$HOME/.bluemix/config.json`, so log in first.",
    "Replace nothing in the command: $R and $R are filled in from your answers.",
];

const EXPECT_REGEXES: &[&str] = &[
    "^Running$",
    "Ready\\s+True",
    "[0-9]+ images?",
    "status: (ok|healthy)",
    "^v[0-9]+",
    "OK",
    "(?i)no issues",
    "Trust data for",
    "deployed",
    "^[a-f0-9]{64}$",
    "Active",
    "Allow|Deny",
];

const FILE_PATHS: &[(&str, &str)] = &[
    ("yaml", "k8s/deployment.yaml"),
    ("yaml", "policy/image-policy.yaml"),
    ("yaml", "calico/deny-all.yaml"),
    ("json", "config/settings.json"),
    ("dockerfile", "app/Dockerfile"),
    ("yaml", "chart/values.yaml"),
    ("toml", "app/Cargo.toml"),
    ("sh", "scripts/wait-for.sh"),
    ("", "notes.txt"),
];

const LOCAL_IMAGES: &[&str] = &[
    "architecture.png",
    "flow.svg",
    "console-keys.png",
    "policy.png",
];

const IMAGE_URLS: &[&str] = &[
    "https://raw.githubusercontent.com/IBM/portieris/main/docs/architecture.png",
    "https://cloud.ibm.com/docs-content/v1/content/registry/images/va_flow.svg",
    "https://docs.docker.com/engine/security/trust/images/trust_components.png",
    "https://example.com/labs/images/network-policy.png?raw=true",
    "https://kubernetes.io/images/docs/components-of-kubernetes.svg",
];

// ---------------------------------------------------------------------------------------
// Lessons

/// The state of one lesson being written: what it may reference and what it wrote.
struct LessonGen {
    index: usize,
    /// Declared variables.
    vars: Vec<&'static str>,
    /// Declared or captured: every name a `{{NAME}}` may use.
    refs: Vec<&'static str>,
    /// Step ids used so far, lesson-wide.
    ids: HashSet<String>,
    expected: Expected,
    /// `../../` for the parts of a folder lesson, whose images live two folders up.
    image_prefix: &'static str,
    /// How many parts deep (a folder lesson's later parts declare no variables).
    part: usize,
}

impl LessonGen {
    fn new(rng: &mut Rng, index: usize) -> Self {
        // Everyone works somewhere: region and namespace are common, the rest varies.
        let mut vars: Vec<&'static str> = Vec::new();
        let wanted = rng.range(3, 9);
        let base: &[&str] = if rng.chance(70) {
            &["region", "namespace"]
        } else {
            &["app_port"]
        };
        for name in base {
            add_var(&mut vars, name);
        }
        while vars.len() < wanted {
            add_var(&mut vars, rng.pick(VARS).name);
        }
        Self {
            index,
            refs: vars.clone(),
            vars,
            ids: HashSet::new(),
            expected: Expected::default(),
            image_prefix: "",
            part: 0,
        }
    }

    fn file_lesson(mut self, rng: &mut Rng) -> GenLesson {
        let path = format!("lesson-{:05}.md", self.index);
        let text = self.file(rng);
        GenLesson {
            path: path.clone(),
            parts: vec![(path, text)],
            expected: self.expected,
        }
    }

    fn folder_lesson(mut self, rng: &mut Rng, parts: usize) -> GenLesson {
        let folder = format!("folders/lab-{:05}", self.index);
        self.image_prefix = "../../";
        let mut files = Vec::new();
        for part in 0..parts {
            self.part = part;
            let name = format!("{folder}/{:02}-{}.md", part + 1, slugify(rng.word(OBJECTS)));
            files.push((name, self.file(rng)));
        }
        GenLesson {
            path: folder,
            parts: files,
            expected: self.expected,
        }
    }

    /// One Markdown file: front matter, title, intro and 5–20 steps; 4–30 KiB once written,
    /// as the last element of a step may overshoot its share.
    fn file(&mut self, rng: &mut Rng) -> String {
        // Skewed towards small files, as real lessons are: the smaller of two draws.
        let target = rng
            .range(4 * 1024, 28 * 1024)
            .min(rng.range(4 * 1024, 28 * 1024));
        let steps = (target / 1400 + rng.below(5))
            .saturating_sub(2)
            .clamp(5, 20);
        let mut out = String::with_capacity(target + 2048);
        if self.part == 0 || rng.chance(50) {
            self.front_matter(rng, &mut out);
        }
        self.intro(rng, &mut out);
        // Each step gets its share of what is left, so an overshoot is paid back later.
        for step in 0..steps {
            let share = target.saturating_sub(out.len()) / (steps - step);
            self.step(rng, &mut out, share);
        }
        out
    }

    fn front_matter(&mut self, rng: &mut Rng, out: &mut String) {
        out.push_str("---\n");
        if self.part == 0 {
            let _ = writeln!(out, "id: lab-{:05}", self.index);
        }
        let _ = writeln!(out, "title: \"{} {}\"", rng.pick(VERBS), rng.pick(OBJECTS));
        let _ = writeln!(
            out,
            "summary: \"{}\"",
            self.plain_sentence(rng).replace('"', "'")
        );
        let _ = writeln!(out, "duration: {}m", rng.range(2, 12) * 5);
        let _ = writeln!(out, "version: {}", rng.range(1, 4));
        if rng.chance(80) {
            out.push_str("requires:\n  tools:\n");
            let count = rng.range(1, 4);
            let start = rng.below(TOOLS.len());
            for i in 0..count {
                out.push_str(TOOLS[(start + i) % TOOLS.len()]);
            }
        }
        // A folder lesson declares its variables once, in its first part.
        if self.part == 0 {
            out.push_str("vars:\n");
            for name in &self.vars {
                let def = VARS
                    .iter()
                    .find(|def| def.name == *name)
                    .expect("known var");
                out.push_str(def.yaml);
            }
        }
        out.push_str("---\n\n");
    }

    fn intro(&mut self, rng: &mut Rng, out: &mut String) {
        let _ = writeln!(out, "# {} {}\n", rng.pick(VERBS), rng.pick(OBJECTS));
        self.paragraph(rng, out, 2, 5);
        self.callout(rng, out);
        if rng.chance(60) {
            out.push_str("In this lab you will:\n\n");
            for _ in 0..rng.range(3, 6) {
                let _ = writeln!(
                    out,
                    "- {} {}",
                    rng.pick(VERBS).to_lowercase(),
                    rng.pick(OBJECTS)
                );
            }
            out.push('\n');
        }
        if rng.chance(25) {
            self.image(rng, out);
        }
        // Lesson-wide blocks: these run once, before the first step.
        if rng.chance(50) {
            self.shell_block(rng, out, Some("setup"));
        }
        if rng.chance(40) {
            self.shell_block(rng, out, Some("cleanup"));
        }
        if rng.chance(30) {
            self.paragraph(rng, out, 1, 3);
        }
    }

    fn step(&mut self, rng: &mut Rng, out: &mut String, budget: usize) {
        let start = out.len();
        self.heading(rng, out);
        self.paragraph(rng, out, 1, 4);
        // A tenth of the steps only ask the learner to read and confirm.
        let verified = rng.chance(90);
        // Leave room for the check and the hints that end a verified step.
        let reserve = if verified { 700 } else { 0 };
        while out.len() - start + reserve < budget {
            match rng.below(100) {
                0..=21 => self.paragraph(rng, out, 2, 5),
                22..=30 => self.list(rng, out, verified),
                31..=36 => self.table(rng, out),
                37..=45 => self.shell_block(rng, out, None),
                46..=50 => self.file_block(rng, out),
                51..=61 if verified => self.shell_block(rng, out, Some("run")),
                62..=64 if verified => {
                    let role = *rng.pick(&["setup", "cleanup"]);
                    self.shell_block(rng, out, Some(role));
                }
                65..=69 if verified => self.http_block(rng, out, "run"),
                70..=75 => self.callout(rng, out),
                76..=79 => self.image(rng, out),
                80..=84 => {
                    let _ = writeln!(out, "### {} {}\n", rng.pick(VERBS), rng.pick(NOUNS));
                }
                85..=87 => self.details(rng, out),
                88..=91 => self.hint(rng, out),
                92..=95 if verified => self.check(rng, out),
                96..=99 => self.output_block(rng, out),
                _ => self.paragraph(rng, out, 1, 3),
            }
        }
        if verified {
            match rng.below(100) {
                0..=59 => self.shell_block(rng, out, Some("check")),
                60..=79 => self.http_block(rng, out, "check"),
                _ => self.quiz(rng, out),
            }
            if rng.chance(45) {
                self.hint(rng, out);
            }
            if rng.chance(20) {
                self.hint(rng, out);
            }
            if rng.chance(35) {
                self.solution(rng, out);
            }
        }
    }

    fn heading(&mut self, rng: &mut Rng, out: &mut String) {
        self.expected.steps += 1;
        let title = format!("{} {}", rng.pick(VERBS), rng.pick(OBJECTS));
        let slug = slugify(&title);
        if !self.ids.contains(&slug) && rng.chance(75) {
            self.ids.insert(slug);
            let _ = writeln!(out, "## {title}\n");
            return;
        }
        // An explicit id: the author's choice, or the only way to tell two steps apart.
        let mut id = slug.split('-').take(2).collect::<Vec<_>>().join("-");
        let mut n = 2;
        while self.ids.contains(&id) {
            id = format!(
                "{}-{n}",
                slug.split('-').take(2).collect::<Vec<_>>().join("-")
            );
            n += 1;
        }
        let _ = writeln!(out, "## {title} {{#{id}}}\n");
        self.ids.insert(id);
    }

    // -- prose ------------------------------------------------------------------------

    fn var_ref(&self, rng: &mut Rng) -> String {
        format!("{{{{{}}}}}", rng.pick(&self.refs))
    }

    fn inline_code(&self, rng: &mut Rng) -> String {
        let code = rng.pick(INLINE_CODE).replace("$v", &self.var_ref(rng));
        format!("`{code}`")
    }

    fn sentence(&self, rng: &mut Rng) -> String {
        let template = *rng.pick(SENTENCES);
        let mut out = String::with_capacity(template.len() + 64);
        let mut chars = template.chars();
        while let Some(c) = chars.next() {
            if c != '$' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('C') => out.push_str(&self.inline_code(rng)),
                Some('N') => out.push_str(rng.word(NOUNS)),
                Some('R') => out.push_str(&self.var_ref(rng)),
                Some('T') => {
                    let _ = write!(out, "`{}`", rng.pick(TOOL_NAMES));
                }
                Some('L') => {
                    let (text, url) = rng.pick(LINKS);
                    let _ = write!(out, "[{text}]({url})");
                }
                Some('G') => out.push_str(rng.word(GO_TEMPLATES)),
                Some('B') => {
                    let _ = write!(out, "**{}**", rng.pick(BOLD));
                }
                Some('E') => {
                    let _ = write!(out, "*{}*", rng.pick(EMPHASIS));
                }
                Some('S') => out.push_str(&slugify(rng.word(OBJECTS))),
                Some('I') => out.push_str(&self.image_url(rng)),
                Some(other) => out.push(other),
                None => {}
            }
        }
        out
    }

    /// A sentence with no Markdown or variables, for YAML strings.
    fn plain_sentence(&self, rng: &mut Rng) -> String {
        format!(
            "{} {} and {} {}.",
            rng.pick(VERBS),
            rng.pick(OBJECTS),
            rng.pick(VERBS).to_lowercase(),
            rng.pick(NOUNS)
        )
    }

    fn paragraph(&mut self, rng: &mut Rng, out: &mut String, min: usize, max: usize) {
        let sentences: Vec<String> = (0..rng.range(min, max))
            .map(|_| self.sentence(rng))
            .collect();
        if sentences.iter().any(|s| s.contains("![")) {
            self.expected.images += sentences.iter().filter(|s| s.contains("![")).count();
            self.expected.local_images += sentences
                .iter()
                .filter(|s| s.contains("![") && !s.contains("://"))
                .count();
        }
        wrap(out, &sentences.join(" "), "", 100);
        out.push('\n');
    }

    fn list(&mut self, rng: &mut Rng, out: &mut String, verified: bool) {
        let ordered = rng.chance(50);
        let items = rng.range(2, 6);
        let nested_blocks = rng.chance(40);
        for i in 0..items {
            let marker = if ordered {
                format!("{}. ", i + 1)
            } else {
                "- ".to_owned()
            };
            let indent = " ".repeat(marker.len());
            let text = if rng.chance(30) {
                format!(
                    "[{}] {}",
                    if rng.chance(50) { "x" } else { " " },
                    self.sentence(rng)
                )
            } else {
                self.sentence(rng)
            };
            let text = text.replace("![", "[");
            let mut item = String::new();
            wrap(&mut item, &text, &indent, 100);
            out.push_str(&marker);
            out.push_str(&item[indent.len()..]);
            if nested_blocks && rng.chance(60) {
                out.push('\n');
                let role = if verified && rng.chance(40) {
                    Some("run")
                } else {
                    None
                };
                let mut block = String::new();
                self.shell_block(rng, &mut block, role);
                for line in block.lines() {
                    if line.is_empty() {
                        out.push('\n');
                    } else {
                        let _ = writeln!(out, "{indent}{line}");
                    }
                }
            } else if nested_blocks {
                out.push('\n');
            }
        }
        out.push('\n');
    }

    fn table(&self, rng: &mut Rng, out: &mut String) {
        out.push_str("| Setting | Value | Why |\n| --- | :---: | --- |\n");
        for _ in 0..rng.range(2, 6) {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} {} |",
                rng.pick(&self.refs),
                self.var_ref(rng),
                rng.pick(VERBS),
                rng.pick(NOUNS)
            );
        }
        out.push('\n');
    }

    fn callout(&self, rng: &mut Rng, out: &mut String) {
        let kind = rng.pick(&["NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"]);
        let _ = writeln!(out, "> [!{kind}]");
        let mut body = String::new();
        let text = (0..rng.range(1, 3))
            .map(|_| self.sentence(rng).replace("![", "["))
            .collect::<Vec<_>>()
            .join(" ");
        wrap(&mut body, &text, "> ", 100);
        out.push_str(&body);
        out.push('\n');
    }

    fn image_url(&self, rng: &mut Rng) -> String {
        if rng.chance(4) {
            format!("{}img/{}", self.image_prefix, rng.pick(LOCAL_IMAGES))
        } else {
            (*rng.pick(IMAGE_URLS)).to_owned()
        }
    }

    fn image(&mut self, rng: &mut Rng, out: &mut String) {
        let url = self.image_url(rng);
        self.expected.images += 1;
        if !url.contains("://") {
            self.expected.local_images += 1;
        }
        let _ = writeln!(out, "![{} {}]({url})\n", rng.pick(VERBS), rng.pick(NOUNS));
    }

    fn details(&mut self, rng: &mut Rng, out: &mut String) {
        let summary = rng.pick(&[
            "Why this works",
            "What the fields mean",
            "Example output",
            "On macOS",
        ]);
        let _ = writeln!(out, "<details><summary>{summary}</summary>\n");
        self.paragraph(rng, out, 1, 3);
        if rng.chance(50) {
            self.output_block(rng, out);
        }
        out.push_str("</details>\n\n");
    }

    fn hint(&mut self, rng: &mut Rng, out: &mut String) {
        self.expected.hints += 1;
        let summary = rng.pick(&[
            "Hint",
            "Hint",
            "Hint 2",
            "Hint: where to look",
            "Hint — the command",
        ]);
        let _ = writeln!(out, "<details><summary>{summary}</summary>\n");
        self.paragraph(rng, out, 1, 3);
        if rng.chance(30) {
            // No role: part of the hint's text, not a block of the step.
            let mut block = String::new();
            let body = self.command_lines(rng, 1, 2);
            let _ = write!(block, "```bash\n{body}```\n\n");
            out.push_str(&block);
        }
        out.push_str("</details>\n\n");
    }

    /// A solution hidden from GitHub readers: a `solve` block inside `<details>`.
    fn solution(&mut self, rng: &mut Rng, out: &mut String) {
        out.push_str("<details><summary>Solution</summary>\n\n");
        self.shell_block(rng, out, Some("solve"));
        out.push_str("</details>\n\n");
    }

    // -- blocks -----------------------------------------------------------------------

    fn command_lines(&self, rng: &mut Rng, min: usize, max: usize) -> String {
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

    fn check(&mut self, rng: &mut Rng, out: &mut String) {
        if rng.chance(75) {
            self.shell_block(rng, out, Some("check"));
        } else {
            self.http_block(rng, out, "check");
        }
    }

    /// A shell block: no role (shown, offered to run) or one of the five roles, with the
    /// attributes that role uses in real lessons.
    fn shell_block(&mut self, rng: &mut Rng, out: &mut String, role: Option<&str>) {
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
    fn file_block(&mut self, rng: &mut Rng, out: &mut String) {
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
    fn output_block(&self, rng: &mut Rng, out: &mut String) {
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

    fn quiz(&mut self, rng: &mut Rng, out: &mut String) {
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
    fn http_block(&mut self, rng: &mut Rng, out: &mut String, role: &str) {
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

    fn http_entry(&mut self, rng: &mut Rng, out: &mut String, role: &str) {
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

/// Adds `name` and the variables its `value` template needs.
fn add_var(vars: &mut Vec<&'static str>, name: &str) {
    let def = VARS.iter().find(|def| def.name == name).expect("known var");
    for need in def.needs {
        add_var(vars, need);
    }
    if !vars.contains(&def.name) {
        vars.push(def.name);
    }
}

const ASSERTS: &[&str] = &[
    "status == 200",
    "jsonpath \"$.state\" == \"normal\"",
    "jsonpath \"$[0].state\" != \"deleting\"",
    "jsonpath \"$.resources\" count == 1",
    "jsonpath \"$.metadata.collectionTotal\" >= 1",
    "jsonpath \"$.size\" > 0",
    "jsonpath \"$.name\" startsWith \"lab-\"",
    "jsonpath \"$.name\" endsWith \"-key\"",
    "jsonpath \"$.tags\" contains \"v1\"",
    "jsonpath \"$.id\" exists",
    "jsonpath \"$.error\" not exists",
    "jsonpath \"$.version\" matches \"^v[0-9]+\"",
    "jsonpath \"$.vulnerabilities[*].cve\" count == 0",
    "jsonpath \"$.retries\" <= 3",
    "jsonpath \"$.extractable\" == false",
    "header \"Content-Type\" contains \"application/json\"",
    "header \"X-Request-Id\" exists",
    "body contains \"ok\"",
    r#"body matches "\"status\":\\s*\"(ok|healthy)\"""#,
];

const QUIZZES: &[(&str, &[&str])] = &[
    (
        "Which command lists the images in your namespace?",
        &[
            "ibmcloud cr image-list",
            "kubectl get images",
            "docker images --all",
        ],
    ),
    (
        "What does a check block do?",
        &[
            "It verifies the step",
            "It runs once at the start",
            "It shows the solution",
        ],
    ),
    (
        "Which status means an image may be deployed?",
        &["OK", "WARN", "FAIL", "UNSCANNED"],
    ),
    (
        "Where is the root key stored?",
        &["Key Protect", "the cluster", "the registry", "a config map"],
    ),
    (
        "What signs an image with Docker Content Trust?",
        &["the repository key", "the root key", "the API key"],
    ),
    (
        "Which policy denies traffic by default?",
        &[
            "a global deny-all policy",
            "an ingress rule",
            "a Helm value",
        ],
    ),
    (
        "Which tool enforces image policies in the cluster?",
        &["Portieris", "Calico", "Helm", "jq"],
    ),
    (
        "How many replicas does the deployment run?",
        &["two", "one", "three"],
    ),
];

/// Shell command lines; `$v` is a variable reference.
const COMMANDS: &[&str] = &[
    "ibmcloud login --apikey $v -r $v",
    "ibmcloud target -g $v",
    "ibmcloud cr namespace-add $v",
    "ibmcloud cr image-list --restrict $v --format '{{ .Repository }}:{{ .Tag }}'",
    "docker build -t $v .",
    "docker tag hello-world:latest $v",
    "docker push $v",
    "ibmcloud cr va $v --output json | jq -r '.[0].status'",
    "ibmcloud ks cluster config --cluster $v",
    "kubectl get pods -n $v -o wide",
    "kubectl apply -f k8s/deployment.yaml",
    "kubectl rollout status deployment/hello --timeout=120s",
    "kubectl get deployment hello -o jsonpath='{.status.readyReplicas}'",
    "kubectl create secret generic db --from-literal=password=$v",
    "kubectl get secret db -o jsonpath='{.data.password}' | base64 -d | wc -c",
    "helm upgrade --install hello ./chart --set image.repository=$v --set replicas=$v",
    "export DOCKER_CONTENT_TRUST=1 DOCKER_CONTENT_TRUST_SERVER=https://$v:4443",
    "docker trust inspect --pretty $v",
    "ibmcloud kp keys -i $v --output json | jq -e 'length > 0'",
    "ibmcloud kp key create lab-root-key -i $v --output json | jq -r .id",
    "calicoctl get globalnetworkpolicy -o yaml",
    "kubectl exec deploy/hello -- wget -qO- --timeout=3 http://hello:$v/ || echo blocked",
    "curl -fsS -H \"Authorization: Bearer $v\" $v/healthz",
    "test -n \"$v\" && echo \"using $v\"",
    "for ns in $(kubectl get ns -o name); do echo \"$ns\"; done",
    "grep -q \"$v\" notes.txt || { echo \"notes.txt does not mention $v\"; exit 1; }",
    "echo \"CLUSTER_ID=$(ibmcloud ks cluster get -c $v --output json | jq -r .id)\" >> \"$LABRUN_OUTPUT\"",
    "git clone https://github.com/$v/hello-labrun.git && cd hello-labrun",
    "sleep 2",
    "cat <<'EOF' > policy.yaml\napiVersion: portieris.cloud.ibm.com/v1\nkind: ImagePolicy\nmetadata:\n  name: lab-policy\nspec:\n  repositories:\n    - name: \"$v/*\"\n      policy:\n        trust:\n          enabled: true\nEOF",
    "kubectl get pods -l app=hello -o custom-columns=NAME:.metadata.name,STATUS:.status.phase --no-headers",
    "ibmcloud iam service-id-create lab-$v -d 'created by the lab' --output json | jq -r .id",
];

/// Lowercase words joined by `-`, as a step slug or a file name.
fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_alphanumeric() {
            slug.extend(c.to_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

/// Appends `text` wrapped at `width` columns, each line starting with `prefix`; breaks only
/// at spaces, so code spans and references stay whole when they have no space.
fn wrap(out: &mut String, text: &str, prefix: &str, width: usize) {
    let mut line_len = 0;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if line_len == 0 {
            out.push_str(prefix);
            line_len = prefix.len();
        } else if line_len + 1 + word.len() > width {
            out.push('\n');
            out.push_str(prefix);
            line_len = prefix.len();
        } else {
            out.push(' ');
            line_len += 1;
        }
        out.push_str(word);
        line_len += word.len();
    }
    out.push('\n');
}
