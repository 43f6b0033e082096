"""`kubectl` against the stand-in cluster: nodes, pods, CRDs, secrets, Portieris policies
(`apply`, `get`, `delete`, `create secret generic`) and `run`, which goes through Portieris' admission webhook. It needs the
context `ibmcloud ks cluster config` wrote, as the real kubectl needs a kubeconfig.
"""

import base64
import json
import os
import re
import time

from . import cloud as model
from . import yamlish
from .cli import Usage, parse, read_file, table

POLICY_GROUP = "portieris.cloud.ibm.com"
KINDS = {
    # name and aliases -> (kind, plural, namespaced)
    "imagepolicy": ("ImagePolicy", "imagepolicies", True),
    "imagepolicies": ("ImagePolicy", "imagepolicies", True),
    "clusterimagepolicy": ("ClusterImagePolicy", "clusterimagepolicies", False),
    "clusterimagepolicies": ("ClusterImagePolicy", "clusterimagepolicies", False),
    "pod": ("Pod", "pods", True),
    "pods": ("Pod", "pods", True),
    "po": ("Pod", "pods", True),
    "node": ("Node", "nodes", False),
    "nodes": ("Node", "nodes", False),
    "no": ("Node", "nodes", False),
    "service": ("Service", "services", True),
    "services": ("Service", "services", True),
    "svc": ("Service", "services", True),
    "namespace": ("Namespace", "namespaces", False),
    "namespaces": ("Namespace", "namespaces", False),
    "ns": ("Namespace", "namespaces", False),
    "secret": ("Secret", "secrets", True),
    "secrets": ("Secret", "secrets", True),
    "crd": ("CustomResourceDefinition", "customresourcedefinitions", False),
    "crds": ("CustomResourceDefinition", "customresourcedefinitions", False),
    "customresourcedefinitions": ("CustomResourceDefinition", "customresourcedefinitions", False),
}
CRDS = ["clusterimagepolicies.portieris.cloud.ibm.com", "imagepolicies.portieris.cloud.ibm.com"]
REFUSED = "The connection to the server localhost:8080 was refused - did you specify the right host or port?"


def run(cloud, cmd):
    try:
        positionals, opts = parse(cmd.args, with_value=(
            "-n", "--namespace", "-o", "--output", "-f", "--filename", "-l", "--selector", "--image",
            "--dry-run", "--restart", "--context", "--kubeconfig", "--from-file"),
            aliases={"--namespace": "-n", "--output": "-o", "--filename": "-f", "--selector": "-l",
                     "-A": "--all-namespaces"})
    except Usage as problem:
        return cmd.fail("error: %s" % problem)
    if not positionals:
        cmd.say("kubectl controls the Kubernetes cluster manager (stand-in).")
        return cmd
    verb, rest = positionals[0], positionals[1:]
    if verb == "version" and opts.get("--client"):
        cmd.say("Client Version: v1.30.4")
        return cmd
    context = current_context(cloud, cmd, opts)
    if verb == "config":
        if rest[:1] == ["current-context"]:
            if context is None:
                return cmd.fail("error: current-context is not set")
            cmd.say(context)
            return cmd
        return cmd.fail("error: only `kubectl config current-context` is supported here")
    if context is None:
        return cmd.fail(REFUSED)
    namespace = opts.get("-n") or "default"
    verbs = {"get": get, "apply": apply, "delete": delete, "run": run_pod, "create": create}
    if verb not in verbs:
        return cmd.fail('error: unknown command "%s" for "kubectl"' % verb)
    return verbs[verb](cloud, cmd, rest, opts, namespace)


def current_context(cloud, cmd, opts):
    """The kubeconfig's current context when it points at the stand-in cluster."""
    paths = [opts["--kubeconfig"]] if "--kubeconfig" in opts else \
        [p for p in cmd.env.get("KUBECONFIG", "").split(os.pathsep) if p] or \
        [os.path.join(cmd.home(), ".kube", "config")]
    for path in paths:
        try:
            config = yamlish.load_all(read_file(cmd.path(path)))[0]
        except (OSError, IndexError, yamlish.YamlError):
            continue
        context = opts.get("--context") or config.get("current-context")
        if context and context.split("/")[0] in (cloud.cluster.name, cloud.cluster.id):
            return context
    return None


def resolve_kind(word):
    name = word.lower()
    if "." in name and name.split(".", 1)[1] == POLICY_GROUP:
        name = name.split(".", 1)[0]
    if name not in KINDS:
        raise Usage('error: the server doesn\'t have a resource type "%s"' % word)
    return KINDS[name]


def get(cloud, cmd, args, opts, namespace):
    if not args:
        return cmd.fail("error: You must specify the type of resource to get.")
    kind_word, names = args[0], args[1:]
    if "/" in kind_word:
        kind_word, name = kind_word.split("/", 1)
        names = [name]
    try:
        kind, plural, namespaced = resolve_kind(kind_word)
    except Usage as problem:
        return cmd.fail(str(problem))
    kube = cloud.cluster.kube
    if kind in ("ImagePolicy", "ClusterImagePolicy") and not kube.portieris:
        return cmd.fail('error: the server doesn\'t have a resource type "%s"' % kind_word)
    all_ns = bool(opts.get("--all-namespaces"))
    items = objects(cloud, kind, None if all_ns or not namespaced else namespace, opts.get("-l"))
    if names:
        found = [o for o in items if o["metadata"]["name"] in names]
        missing = [n for n in names if n not in [o["metadata"]["name"] for o in found]]
        if missing:
            group = {"ImagePolicy": "." + POLICY_GROUP, "ClusterImagePolicy": "." + POLICY_GROUP,
                     "CustomResourceDefinition": ".apiextensions.k8s.io"}.get(kind, "")
            return cmd.fail('Error from server (NotFound): %s%s "%s" not found' % (plural, group, missing[0]))
        items = found
    output = opts.get("-o", "")
    if output in ("yaml", "json"):
        doc = items[0] if names and len(items) == 1 else {"apiVersion": "v1", "kind": "List", "items": items,
                                                           "metadata": {"resourceVersion": ""}}
        cmd.say(yamlish.dump(doc).rstrip("\n") if output == "yaml" else json.dumps(doc, indent=4))
        return cmd
    if output.startswith("jsonpath="):
        doc = items[0] if names and len(items) == 1 else {"items": items}
        cmd.out.append(jsonpath(output[len("jsonpath="):], doc))
        return cmd
    if output == "name":
        for o in items:
            cmd.say("%s/%s" % (kind.lower() if "." not in plural else plural, o["metadata"]["name"]))
        return cmd
    if not items:
        cmd.warn("No resources found in %s namespace." % namespace if namespaced and not all_ns
                 else "No resources found")
        return cmd
    for line in listing(kind, items, all_ns and namespaced, output == "wide"):
        cmd.say(line)
    return cmd


def objects(cloud, kind, namespace, selector):
    kube = cloud.cluster.kube
    if kind == "ImagePolicy":
        ready = kube.default_policies_ready()
        items = [p for p in kube.image_policies.values()
                 if ready or p["metadata"]["name"] != "ibm-signed-image-enforcement"]
    elif kind == "ClusterImagePolicy":
        ready = kube.default_policies_ready()
        items = [p for name, p in kube.cluster_image_policies.items() if ready or name != "default"]
    elif kind == "Pod":
        items = pods(cloud)
    elif kind == "Node":
        items = [{"metadata": {"name": ip, "labels": {"ibm-cloud.kubernetes.io/worker-id": "w%d" % i}},
                  "status": "Ready"} for i, ip in enumerate(cloud.cluster.workers, 1)]
    elif kind == "Service":
        items = list(kube.services.values())
    elif kind == "Namespace":
        items = [{"metadata": {"name": name}, "status": {"phase": "Active"}} for name in sorted(kube.namespaces)]
    elif kind == "Secret":
        items = []
        for key, data in sorted(kube.secrets.items()):
            ns, name = key.split("/", 1)
            items.append({"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
                          "metadata": {"name": name, "namespace": ns},
                          "data": {k: base64.b64encode(v.encode()).decode() for k, v in data.items()}})
    else:
        items = [{"metadata": {"name": name}, "created": "2024-01-01T00:00:00Z"}
                 for name in (CRDS if kube.portieris else [])]
    if namespace is not None:
        items = [o for o in items if o["metadata"].get("namespace") in (None, namespace)]
    if selector:
        key, _, value = selector.partition("=")
        items = [o for o in items if (o["metadata"].get("labels") or {}).get(key) == value]
    return items


def pods(cloud):
    kube = cloud.cluster.kube
    # The managed Portieris runs in IKS's control plane: no pod of it in the cluster.
    items = []
    for key, pod in sorted(kube.pods.items()):
        ns, name = key.split("/", 1)
        items.append({"metadata": {"name": name, "namespace": ns, "labels": pod.get("labels") or {"run": name}},
                      "spec": {"containers": [{"name": name, "image": pod["image"]}]},
                      "status": "Running", "ready": "1/1"})
    return items


def listing(kind, items, with_namespace, wide):
    if kind == "Pod":
        rows = [[o["metadata"]["name"], o["ready"], o["status"], "0", "2m"] for o in items]
        header = ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    elif kind == "Node":
        rows = [[o["metadata"]["name"], o["status"], "<none>", "10d", "v1.30.4+IKS"] for o in items]
        header = ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
    elif kind == "Service":
        rows = [[o["metadata"]["name"], o["spec"].get("type", "ClusterIP"), o["spec"]["clusterIP"], "<none>",
                 ",".join("%s:%s/%s" % (p.get("port"), p.get("nodePort"), p.get("protocol", "TCP"))
                          if p.get("nodePort") else "%s/%s" % (p.get("port"), p.get("protocol", "TCP"))
                          for p in o["spec"].get("ports") or []), "1m"] for o in items]
        header = ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]
    elif kind == "Namespace":
        rows = [[o["metadata"]["name"], "Active", "10d"] for o in items]
        header = ["NAME", "STATUS", "AGE"]
    elif kind == "Secret":
        rows = [[o["metadata"]["name"], "Opaque", str(len(o["data"])), "1m"] for o in items]
        header = ["NAME", "TYPE", "DATA", "AGE"]
    elif kind == "CustomResourceDefinition":
        rows = [[o["metadata"]["name"], o["created"]] for o in items]
        header = ["NAME", "CREATED AT"]
    else:
        rows = [[o["metadata"]["name"], "5m"] for o in items]
        header = ["NAME", "AGE"]
    if with_namespace:
        rows = [[o["metadata"].get("namespace", "")] + r for o, r in zip(items, rows)]
        header = ["NAMESPACE"] + header
    return table(rows, header)


def manifests(cmd, opts):
    """The documents of `-f FILE` (or `-f -`, stdin), with where they came from."""
    source = opts.get("-f")
    if not source:
        raise Usage("error: must specify one of -f and -k")
    if source == "-":
        return yamlish.load_all(cmd.stdin), "STDIN"
    try:
        text = read_file(cmd.path(source))
    except OSError:
        raise Usage('error: the path "%s" does not exist' % source)
    if source.endswith(".json"):
        return [json.loads(text)], source
    return yamlish.load_all(text), source


def apply(cloud, cmd, args, opts, namespace):
    try:
        docs, source = manifests(cmd, opts)
    except (Usage, yamlish.YamlError, ValueError) as problem:
        return cmd.fail(str(problem) if isinstance(problem, Usage) else
                        "error: error parsing %s: %s" % (opts.get("-f"), problem))
    kube = cloud.cluster.kube
    for doc in docs:
        kind = doc.get("kind")
        name = (doc.get("metadata") or {}).get("name")
        if not name:
            return cmd.fail("error: error validating \"%s\": the resource has no metadata.name" % source)
        api = doc.get("apiVersion", "")
        if kind in ("ImagePolicy", "ClusterImagePolicy"):
            if not kube.portieris or api != POLICY_GROUP + "/v1":
                return cmd.fail('error: resource mapping not found for name: "%s" namespace: "%s" from "%s": '
                                'no matches for kind "%s" in version "%s"\nensure CRDs are installed first'
                                % (name, (doc.get("metadata") or {}).get("namespace", ""), source, kind, api))
            problem = policy_problem(doc)
            if problem:
                return cmd.fail('The %s "%s" is invalid: %s' % (kind, name, problem))
            doc = json.loads(json.dumps(doc))
            if kind == "ImagePolicy":
                doc["metadata"]["namespace"] = doc["metadata"].get("namespace") or namespace
                store, key = kube.image_policies, "%s/%s" % (doc["metadata"]["namespace"], name)
                plural = "imagepolicy"
            else:
                store, key, plural = kube.cluster_image_policies, name, "clusterimagepolicy"
            before = store.get(key)
            doc["metadata"].setdefault("creationTimestamp", model.now_iso())
            if before is not None:
                doc["metadata"]["creationTimestamp"] = before["metadata"].get("creationTimestamp")
            verb = "created" if before is None else ("unchanged" if before == doc else "configured")
            store[key] = doc
            cmd.say("%s.%s/%s %s" % (plural, POLICY_GROUP, name, verb))
        elif kind == "Pod":
            containers = ((doc.get("spec") or {}).get("containers")) or []
            ns = (doc.get("metadata") or {}).get("namespace") or namespace
            if ns not in kube.namespaces:
                return cmd.fail('Error from server (NotFound): error when creating "%s": namespaces "%s" not found'
                                % (source, ns))
            if "%s/%s" % (ns, name) in kube.pods and opts.get("--dry-run") in (None, "none"):
                cmd.say("pod/%s unchanged" % name)
                continue
            result = create_pod(cloud, cmd, ns, name, [c.get("image", "") for c in containers],
                                opts.get("--dry-run"), (doc.get("metadata") or {}).get("labels") or {})
            if result.code:
                return result
        elif kind == "Namespace" and api == "v1":
            cmd.say("namespace/%s %s" % (name, "unchanged" if name in kube.namespaces else "created"))
            kube.namespaces.add(name)
        elif kind == "Service" and api == "v1":
            ns = (doc.get("metadata") or {}).get("namespace") or namespace
            if ns not in kube.namespaces:
                return cmd.fail('Error from server (NotFound): error when creating "%s": namespaces "%s" not found'
                                % (source, ns))
            problem = service_problem(doc, kube, "%s/%s" % (ns, name))
            if problem:
                return cmd.fail('The Service "%s" is invalid: %s' % (name, problem))
            doc = json.loads(json.dumps(doc))
            doc["metadata"]["namespace"] = ns
            before = kube.services.get("%s/%s" % (ns, name))
            doc["spec"]["clusterIP"] = (before or {}).get("spec", {}).get("clusterIP") or \
                "172.21.%d.%d" % (len(kube.services) // 200 + 10, len(kube.services) % 200 + 20)
            kube.services["%s/%s" % (ns, name)] = doc
            cmd.say("service/%s %s" % (name, "created" if before is None else "configured"))
        else:
            return cmd.fail('error: resource mapping not found for name: "%s" from "%s": no matches for kind '
                            '"%s" in this stand-in' % (name, source, kind))
    return cmd


def service_problem(doc, kube, key):
    """Why Kubernetes refuses a Service (only what this lab can get wrong), or None."""
    spec = doc.get("spec") or {}
    ports = spec.get("ports")
    if not isinstance(ports, list) or not ports:
        return "spec.ports: Required value"
    for i, port in enumerate(ports):
        node_port = port.get("nodePort")
        if node_port is None:
            continue
        if spec.get("type") != "NodePort":
            return "spec.ports[%d].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'" % i
        if not isinstance(node_port, int) or not 30000 <= node_port <= 32767:
            return ("spec.ports[%d].nodePort: Invalid value: %s: provided port is not in the valid range. "
                    "The range of valid ports is 30000-32767" % (i, node_port))
        for other_key, other in kube.services.items():
            if other_key != key and any(p.get("nodePort") == node_port for p in other["spec"].get("ports") or []):
                return "spec.ports[%d].nodePort: Invalid value: %d: provided port is already allocated" % (i, node_port)
    return None


def policy_problem(doc):
    repositories = (doc.get("spec") or {}).get("repositories")
    if not isinstance(repositories, list):
        return "spec.repositories: Required value"
    for i, repo in enumerate(repositories):
        if not isinstance(repo, dict) or not repo.get("name"):
            return "spec.repositories[%d].name: Required value" % i
        policy = repo.get("policy") or {}
        if not isinstance(policy, dict):
            return "spec.repositories[%d].policy: must be an object" % i
        unknown = set(policy) - {"trust", "vulnerability", "simple", "mutateImage"}
        if unknown:
            return "spec.repositories[%d].policy.%s: unknown field" % (i, sorted(unknown)[0])
    return None


def delete(cloud, cmd, args, opts, namespace):
    kube = cloud.cluster.kube
    if opts.get("-f"):
        try:
            docs, _ = manifests(cmd, opts)
        except (Usage, yamlish.YamlError) as problem:
            return cmd.fail(str(problem))
        targets = [(d.get("kind", "").lower(), d["metadata"]["name"], d["metadata"].get("namespace"))
                   for d in docs]
    else:
        if len(args) < 2:
            return cmd.fail("error: resource(s) were provided, but no name was specified")
        targets = [(args[0], name, None) for name in args[1:]]
    for kind_word, name, ns in targets:
        try:
            kind, plural, _ = resolve_kind(kind_word)
        except Usage as problem:
            return cmd.fail(str(problem))
        ns = ns or namespace
        if kind == "Namespace" and name in kube.namespaces and name not in ("default", "kube-system"):
            kube.namespaces.discard(name)
            for store in (kube.pods, kube.services, kube.image_policies, kube.secrets):
                for key in [k for k in store if k.startswith(name + "/")]:
                    del store[key]
            cmd.say('namespace "%s" deleted' % name)
            continue
        store, key = {
            "ImagePolicy": (kube.image_policies, "%s/%s" % (ns, name)),
            "ClusterImagePolicy": (kube.cluster_image_policies, name),
            "Pod": (kube.pods, "%s/%s" % (ns, name)),
            "Service": (kube.services, "%s/%s" % (ns, name)),
            "Secret": (kube.secrets, "%s/%s" % (ns, name)),
        }.get(kind, ({}, name))
        if store.pop(key, None) is None:
            if opts.get("--ignore-not-found"):
                continue
            return cmd.fail('Error from server (NotFound): %s "%s" not found' % (plural, name))
        group = "." + POLICY_GROUP if "ImagePolicy" in kind else ""
        cmd.say('%s%s "%s" deleted' % (kind.lower(), group, name))
    return cmd


def create(cloud, cmd, args, opts, namespace):
    """`kubectl create secret generic NAME --from-file=KEY=PATH`: the secret Portieris reads a
    `signedBy` requirement's public keys from."""
    if args[:2] != ["secret", "generic"] or len(args) != 3:
        return cmd.fail("error: the stand-in creates only `secret generic NAME --from-file=KEY=PATH`")
    name = args[2]
    source = opts.get("--from-file")
    if not source:
        return cmd.fail("error: the stand-in needs --from-file=KEY=PATH")
    key, eq, path = source.partition("=")
    if not eq:
        key, path = os.path.basename(source), source
    try:
        text = read_file(cmd.path(path))
    except OSError:
        return cmd.fail("error: error reading %s: no such file or directory" % path)
    kube = cloud.cluster.kube
    full = "%s/%s" % (namespace, name)
    if full in kube.secrets:
        return cmd.fail('error: failed to create secret secrets "%s" already exists' % name)
    kube.secrets[full] = {key: text}
    cmd.say("secret/%s created" % name)
    return cmd


def run_pod(cloud, cmd, args, opts, namespace):
    if not args:
        return cmd.fail("error: NAME is required for run")
    if not opts.get("--image"):
        return cmd.fail("error: required flag(s) \"image\" not set")
    return create_pod(cloud, cmd, namespace, args[0], [opts["--image"]], opts.get("--dry-run"))


def create_pod(cloud, cmd, namespace, name, images, dry_run, labels=None):
    """Admits a pod through Portieris; with `--dry-run=server` nothing is kept."""
    if dry_run not in (None, "none", "server", "client"):
        return cmd.fail('error: Invalid dry-run value (%s). Must be "none", "server", or "client".' % dry_run)
    kube = cloud.cluster.kube
    key = "%s/%s" % (namespace, name)
    if dry_run != "client":
        for image in images:
            denial = cloud.admit(namespace, image)
            if denial:
                # Portieris starts its message with a newline, then one line a denial
                # (pkg/webhook/responder.go: "\n" + errors joined by "\n").
                return cmd.fail('Error from server: admission webhook "%s" denied the request: \n%s'
                                % (model.PORTIERIS_WEBHOOK, denial))
        if key in kube.pods:
            return cmd.fail('Error from server (AlreadyExists): pods "%s" already exists' % name)
    if dry_run in (None, "none"):
        kube.pods[key] = {"image": images[0] if images else "", "created": time.time(),
                          "labels": dict(labels or {})}
        cmd.say("pod/%s created" % name)
    else:
        cmd.say("pod/%s created (%s dry run)" % (name, dry_run))
    return cmd


def jsonpath(template, doc):
    """kubectl's JSONPath template: `{.a.b}`, `{.items[*].x}`, `{.a[0]}` and literal text."""
    out = []
    for literal, expr in re.findall(r"([^{]*)(?:\{([^}]*)\})?", template):
        out.append(literal.replace("\\n", "\n"))
        if expr:
            values = [doc]
            for part in re.findall(r"\.([^.\[]+)|\[(\*|-?\d+)\]", expr.strip()):
                key, index = part
                following = []
                for value in values:
                    if key:
                        if isinstance(value, dict) and key in value:
                            following.append(value[key])
                    elif index == "*":
                        following.extend(value if isinstance(value, list) else
                                         list(value.values()) if isinstance(value, dict) else [])
                    elif isinstance(value, list) and -len(value) <= int(index) < len(value):
                        following.append(value[int(index)])
                values = following
            out.append(" ".join(render(v) for v in values))
    return "".join(out)


def render(value):
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)
