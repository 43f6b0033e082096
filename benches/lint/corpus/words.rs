//! The vocabulary lessons are written from: variables, tools, words, sentences, links,
//! commands, asserts and quizzes.

/// A front matter variable: its name, its YAML (indented under `vars:`), the variables its
/// `value` template needs, and whether a step sets it (an HTTP `[Captures]` or `capture=`).
pub(super) struct VarDef {
    pub(super) name: &'static str,
    pub(super) yaml: &'static str,
    pub(super) needs: &'static [&'static str],
    pub(super) set_by_step: bool,
}

pub(super) const VARS: &[VarDef] = &[
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
pub(super) const CAPTURE_NAMES: &[&str] = &[
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
pub(super) const HTTP_ONLY_CAPTURES: &[&str] =
    &["etag", "request_id", "location", "trace_id", "page_token"];

pub(super) const TOOLS: &[&str] = &[
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

pub(super) const TOOL_NAMES: &[&str] = &[
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

pub(super) const NOUNS: &[&str] = &[
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

pub(super) const VERBS: &[&str] = &[
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

pub(super) const OBJECTS: &[&str] = &[
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

pub(super) const EMPHASIS: &[&str] = &[
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

pub(super) const BOLD: &[&str] = &[
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

pub(super) const LINKS: &[(&str, &str)] = &[
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

pub(super) const GO_TEMPLATES: &[&str] = &[
    "`--format '{{ .Repository }}:{{ .Tag }}'`",
    "`{{ .Values.image.repository }}`",
    "`docker inspect --format '{{ .Id }}'`",
    "`{{ .Release.Name }}`",
    "`-o go-template='{{ .status.phase }}'`",
    "{{ .Digest }}",
];

/// Inline commands; `$v` is a variable reference.
pub(super) const INLINE_CODE: &[&str] = &[
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

pub(super) const SENTENCES: &[&str] = &[
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

pub(super) const EXPECT_REGEXES: &[&str] = &[
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

pub(super) const FILE_PATHS: &[(&str, &str)] = &[
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

pub(super) const LOCAL_IMAGES: &[&str] = &[
    "architecture.png",
    "flow.svg",
    "console-keys.png",
    "policy.png",
];

pub(super) const IMAGE_URLS: &[&str] = &[
    "https://raw.githubusercontent.com/IBM/portieris/main/docs/architecture.png",
    "https://cloud.ibm.com/docs-content/v1/content/registry/images/va_flow.svg",
    "https://docs.docker.com/engine/security/trust/images/trust_components.png",
    "https://example.com/labs/images/network-policy.png?raw=true",
    "https://kubernetes.io/images/docs/components-of-kubernetes.svg",
];

pub(super) const ASSERTS: &[&str] = &[
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

pub(super) const QUIZZES: &[(&str, &[&str])] = &[
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
pub(super) const COMMANDS: &[&str] = &[
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
