"""`calicoctl` against the stand-in cluster's Calico objects: nodes, host endpoints and
GlobalNetworkPolicies (`get`, `apply`, `delete`). It needs `DATASTORE_TYPE=kubernetes` and the
kubeconfig `ibmcloud ks cluster config` writes (IBM's procedure for Kubernetes 1.19 and later),
or the Calico configuration the 1.18-era `--admin --network` wrote, given with `--config`.
"""

import json
import os

from . import cloud as model
from . import yamlish
from .cli import Usage, parse, read_file, table

NO_CONFIG = ("Failed to create Calico API client: invalid datastore configuration: "
             "no calicoctl.cfg given with --config, and DATASTORE_TYPE is not set")
KINDS = {
    "globalnetworkpolicy": "GlobalNetworkPolicy", "globalnetworkpolicies": "GlobalNetworkPolicy",
    "gnp": "GlobalNetworkPolicy", "node": "Node", "nodes": "Node", "hostendpoint": "HostEndpoint",
    "hostendpoints": "HostEndpoint", "hep": "HostEndpoint", "heps": "HostEndpoint",
}


def run(cloud, cmd):
    try:
        positionals, opts = parse(cmd.args, with_value=("-c", "--config", "-o", "--output", "-f",
                                                        "--filename"),
                                  aliases={"--config": "-c", "--output": "-o", "--filename": "-f"})
    except Usage as problem:
        return cmd.fail(str(problem))
    if not positionals or positionals[0] == "version":
        cmd.say("Client Version:    v3.28.1 (stand-in)")
        return cmd
    problem = config_problem(cloud, cmd, opts)
    if problem:
        return cmd.fail(problem)
    verb, rest = positionals[0], positionals[1:]
    verbs = {"get": get, "apply": apply, "create": apply, "replace": apply, "delete": delete}
    if verb not in verbs:
        return cmd.fail("Invalid option: '%s'." % verb)
    return verbs[verb](cloud, cmd, rest, opts, verb)


def config_problem(cloud, cmd, opts):
    """Why calicoctl cannot reach the cluster's datastore, or None."""
    kubeconfig = None
    if "-c" in opts:
        try:
            config = yamlish.load_all(read_file(cmd.path(opts["-c"])))[0]
        except (OSError, IndexError, yamlish.YamlError):
            return "Failed to create Calico API client: open %s: no such file or directory" % opts["-c"]
        spec = config.get("spec") or {}
        if spec.get("datastoreType") != "kubernetes":
            return NO_CONFIG
        kubeconfig = spec.get("kubeconfig")
    elif (cmd.env.get("DATASTORE_TYPE") or cmd.env.get("CALICO_DATASTORE_TYPE")) == "kubernetes":
        kubeconfig = cmd.env.get("KUBECONFIG") or cmd.env.get("CALICO_KUBECONFIG") or \
            os.path.join(cmd.home(), ".kube", "config")
    else:
        return NO_CONFIG
    try:
        kube = yamlish.load_all(read_file(cmd.path(kubeconfig or "")))[0]
    except (OSError, IndexError, yamlish.YamlError):
        return "Failed to create Calico API client: cannot read the kubeconfig %s" % kubeconfig
    context = kube.get("current-context") or ""
    if context.split("/")[0] not in (cloud.cluster.name, cloud.cluster.id):
        return "Failed to create Calico API client: the kubeconfig's context is not a cluster of this account"
    # The lab's learner has the Manager service role on the cluster, which IKS maps to
    # cluster-admin: their own (IAM) context reads and writes Calico's resources, as an admin
    # context does.
    return None


def get(cloud, cmd, args, opts, verb):
    if not args:
        return cmd.fail("Invalid option: get needs a resource type.")
    kind = KINDS.get(args[0].lower())
    if kind is None:
        return cmd.fail("Failed to get resources: resource type '%s' is not supported" % args[0])
    names = args[1:]
    items = resources(cloud, kind)
    if names:
        items = [i for i in items if i["metadata"]["name"] in names]
        if not items:
            return cmd.fail("Failed to get resources: resource does not exist: %s(%s)" % (kind, names[0]))
    output = opts.get("-o", "ps")
    if output == "yaml":
        doc = items[0] if names else {"apiVersion": "projectcalico.org/v3", "kind": kind + "List",
                                      "items": items, "metadata": {"resourceVersion": "123456"}}
        cmd.say(yamlish.dump(doc).rstrip("\n"))
        return cmd
    if output == "json":
        doc = items[0] if names else {"kind": kind + "List", "apiVersion": "projectcalico.org/v3",
                                      "items": items}
        cmd.say(json.dumps(doc, indent=2))
        return cmd
    wide = output == "wide"
    if kind == "GlobalNetworkPolicy":
        rows = [[i["metadata"]["name"]] + ([str(i["spec"].get("order", "")), i["spec"].get("selector", "")]
                                           if wide else []) for i in items]
        header = ["NAME"] + (["ORDER", "SELECTOR"] if wide else [])
    elif kind == "HostEndpoint":
        rows = [[i["metadata"]["name"], i["spec"]["node"]] for i in items]
        header = ["NAME", "NODE"]
    else:
        rows = [[i["metadata"]["name"]] for i in items]
        header = ["NAME"]
    for line in table(rows, header):
        cmd.say(line)
    return cmd


def node_name(cluster, index):
    return "kube-%s-%s-default-%08x" % (cluster.id[:12], cluster.name, index + 0x107)


def resources(cloud, kind):
    cluster = cloud.cluster
    if kind == "GlobalNetworkPolicy":
        return [cluster.kube.network_policies[n] for n in sorted(cluster.kube.network_policies)]
    if kind == "Node":
        return [{"apiVersion": "projectcalico.org/v3", "kind": "Node",
                 "metadata": {"name": node_name(cluster, i)},
                 "spec": {"bgp": {"ipv4Address": "%s/26" % ip}}} for i, ip in enumerate(cluster.workers)]
    endpoints = []
    for i, ip in enumerate(cluster.workers):
        for role, address in (("worker_private", ip), ("worker_public", "169.48.%d.%d" % (10 + i, 20 + i))):
            endpoints.append({
                "apiVersion": "projectcalico.org/v3", "kind": "HostEndpoint",
                "metadata": {"name": "%s-%s" % (node_name(cluster, i), role.split("_")[1]),
                             "labels": {"ibm.role": role, "ibm.node": ip}},
                "spec": {"node": node_name(cluster, i), "interfaceName": "eth1" if role == "worker_public"
                         else "eth0", "expectedIPs": [address]},
            })
    return endpoints


def apply(cloud, cmd, args, opts, verb):
    source = opts.get("-f")
    if not source:
        return cmd.fail("Invalid option: apply needs -f FILENAME.")
    try:
        docs = yamlish.load_all(cmd.stdin if source == "-" else read_file(cmd.path(source)))
    except OSError:
        return cmd.fail("Failed to execute command: open %s: no such file or directory" % source)
    except yamlish.YamlError as problem:
        return cmd.fail("Failed to execute command: error parsing %s: %s" % (source, problem))
    policies = cloud.cluster.kube.network_policies
    accepted = []
    for doc in docs:
        problem = validate(doc)
        if problem:
            return cmd.fail("Failed to execute command: error with field %s" % problem)
        doc = json.loads(json.dumps(doc))
        name = doc["metadata"]["name"]
        doc["metadata"].setdefault("creationTimestamp", model.now_iso())
        doc["metadata"]["resourceVersion"] = str(200000 + len(policies))
        doc["metadata"]["uid"] = model.short_id("gnp", name)[:32]
        accepted.append((name, doc))
    for name, doc in accepted:
        policies[name] = doc
    cmd.say("Successfully applied %d 'GlobalNetworkPolicy' resource(s)" % len(accepted))
    return cmd


def validate(doc):
    """The first field calicoctl refuses in a GlobalNetworkPolicy, as `field = reason`."""
    if doc.get("apiVersion") != "projectcalico.org/v3":
        return "apiVersion = '%s' (expected projectcalico.org/v3)" % doc.get("apiVersion")
    if doc.get("kind") != "GlobalNetworkPolicy":
        return "kind = '%s' (this stand-in applies GlobalNetworkPolicy only)" % doc.get("kind")
    if not (doc.get("metadata") or {}).get("name"):
        return "Metadata.Name = '' (Reason: failed to validate Metadata.Name: name is required)"
    spec = doc.get("spec") or {}
    if spec.get("preDNAT"):
        if not spec.get("applyOnForward"):
            return "PreDNAT = 'true' (Reason: failed to validate Spec.PreDNAT: PreDNAT requires " \
                   "ApplyOnForward to be true)"
        if spec.get("egress") or "Egress" in (spec.get("types") or []):
            return "Egress = (Reason: failed to validate Spec.Egress: PreDNAT policy cannot have any " \
                   "egress rules)"
    for rule in (spec.get("ingress") or []) + (spec.get("egress") or []):
        if rule.get("action") not in ("Allow", "Deny", "Log", "Pass"):
            return "Action = '%s' (Reason: failed to validate Action)" % rule.get("action")
        ports = ((rule.get("destination") or {}).get("ports") or []) + ((rule.get("source") or {}).get("ports") or [])
        if ports and rule.get("protocol") not in ("TCP", "UDP", "SCTP"):
            return "Protocol = '%s' (Reason: ports are only valid with TCP, UDP or SCTP)" % rule.get("protocol")
    return None


def delete(cloud, cmd, args, opts, verb):
    names = []
    if opts.get("-f"):
        try:
            names = [d["metadata"]["name"] for d in yamlish.load_all(read_file(cmd.path(opts["-f"])))]
        except (OSError, KeyError, TypeError, yamlish.YamlError) as problem:
            return cmd.fail("Failed to execute command: %s" % problem)
    elif len(args) >= 2 and KINDS.get(args[0].lower()) == "GlobalNetworkPolicy":
        names = args[1:]
    else:
        return cmd.fail("Invalid option: delete needs a GlobalNetworkPolicy name or -f FILENAME.")
    policies = cloud.cluster.kube.network_policies
    for name in names:
        if name not in policies:
            return cmd.fail("Failed to delete 'GlobalNetworkPolicy' resource: resource does not exist: "
                            "GlobalNetworkPolicy(%s)" % name)
        del policies[name]
    cmd.say("Successfully deleted %d 'GlobalNetworkPolicy' resource(s)" % len(names))
    return cmd
