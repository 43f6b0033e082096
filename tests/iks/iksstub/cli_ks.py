"""`ibmcloud ks`: clusters, their kubeconfig (and Calico configuration), KMS and image
security enforcement. The `kms` tables are plausible, not confirmed.
"""

import json
import os

from . import api
from . import yamlish
from .cli import Usage, failed, parse, read_file, table, write_file


def run(cloud, cmd, args):
    words = [a for a in args if not a.startswith("-")]
    if words[:2] == ["cluster", "ls"] or words[:1] == ["clusters"]:
        return cluster_ls(cloud, cmd)
    if words[:2] == ["cluster", "get"]:
        return cluster_get(cloud, cmd, args[2:])
    if words[:2] == ["cluster", "config"]:
        return cluster_config(cloud, cmd, args[2:])
    if words[:3] in (["cluster", "image-security", "enable"], ["cluster", "image-security", "disable"]):
        return image_security(cloud, cmd, args[3:], words[2] == "enable")
    if words[:3] == ["kms", "instance", "ls"]:
        cmd.say("OK")
        for line in table([[i["name"], i["guid"]] for i in cloud.instances.values()],
                          ["Key Management Service Instance Name", "ID"]):
            cmd.say(line)
        return cmd
    if words[:3] == ["kms", "crk", "ls"]:
        _, opts = parse(args[3:], with_value=("--instance-id",))
        instance = cloud.instances.get(opts.get("--instance-id", ""))
        if instance is None:
            return failed(cmd, "The key management service instance '%s' could not be found."
                          % opts.get("--instance-id", ""))
        cmd.say("OK")
        for line in table([[k["name"], k["id"]] for k in instance["keys"] if not k["extractable"]],
                          ["Customer Root Key Name", "ID"]):
            cmd.say(line)
        return cmd
    if words[:2] == ["kms", "enable"]:
        _, opts = parse(args[2:], with_value=("-c", "--cluster", "--instance-id", "--crk"),
                        aliases={"--cluster": "-c"})
        for name in ("-c", "--instance-id", "--crk"):
            if not opts.get(name):
                raise Usage("the %s flag is required" % name)
        problem = api.enable_kms(cloud, opts["-c"], opts["--instance-id"], opts["--crk"],
                                 not opts.get("--public-endpoint"))
        if problem:
            return failed(cmd, problem)
        cmd.say("Enabling key management service on cluster %s..." % opts["-c"])
        cmd.say("OK")
        return cmd
    if words[:2] == ["worker", "ls"]:
        _, opts = parse(args[2:], with_value=("-c", "--cluster"))
        if cluster_named(cloud, cmd, opts) is None:
            return cmd
        cmd.say("OK")
        rows = [["kube-%s-w%d" % (cloud.cluster.id[:12], i + 1), cloud.cluster.public_ips[i], ip,
                 "b3c.4x16", "normal", "Ready", "dal10", "1.30.4_1531"]
                for i, ip in enumerate(cloud.cluster.workers)]
        for line in table(rows, ["ID", "Public IP", "Private IP", "Flavor", "State", "Status", "Zone",
                                 "Version"]):
            cmd.say(line)
        return cmd
    return failed(cmd, "'%s' is not a registered command. See 'ibmcloud ks help'." % " ".join(words[:3]))


def cluster_named(cloud, cmd, opts):
    wanted = opts.get("-c") or opts.get("--cluster")
    if not wanted:
        raise Usage("the --cluster flag is required")
    if wanted not in (cloud.cluster.name, cloud.cluster.id):
        failed(cmd, "The specified cluster could not be found. (E0004)")
        return None
    return cloud.cluster


def cluster_ls(cloud, cmd):
    c = cloud.cluster
    cmd.say("OK")
    for line in table([[c.name, c.id, "normal", "2 months ago", str(len(c.workers)), "Dallas",
                        "1.30.4_1531", "Default", "classic"]],
                      ["Name", "ID", "State", "Created", "Workers", "Location", "Version",
                       "Resource Group Name", "Provider"]):
        cmd.say(line)
    return cmd


def cluster_get(cloud, cmd, args):
    _, opts = parse(args, with_value=("-c", "--cluster", "--output"))
    cluster = cluster_named(cloud, cmd, opts)
    if cluster is None:
        return cmd
    described = cluster.describe()
    if str(opts.get("--output", "")).lower() == "json":
        cmd.say(json.dumps(described, indent=4))
        return cmd
    cmd.say("Retrieving cluster %s..." % cluster.name)
    cmd.say("OK")
    cmd.say("")
    for line in [
        "Name:                           %s" % described["name"],
        "ID:                             %s" % described["id"],
        "State:                          %s" % described["state"],
        "Status:                         %s" % described["status"],
        "Created:                        %s" % described["createdDate"],
        "Location:                       %s" % described["location"],
        "Master URL:                     %s" % described["masterURL"],
        "Master Status:                  %s" % described["masterStatus"],
        "Master State:                   %s" % described["masterState"],
        "Master Health:                  %s" % described["masterHealth"],
        "Key Management Service:         %s" % ("enabled" if described["keyProtectEnabled"] else "-"),
        "Workers:                        %d" % described["workerCount"],
        "Version:                        %s" % described["masterKubeVersion"],
    ]:
        cmd.say(line)
    return cmd


def kubeconfig_path(cmd):
    paths = [p for p in cmd.env.get("KUBECONFIG", "").split(os.pathsep) if p]
    return cmd.path(paths[0]) if paths else os.path.join(cmd.home(), ".kube", "config")


def cluster_config(cloud, cmd, args):
    _, opts = parse(args, with_value=("-c", "--cluster"))
    cluster = cluster_named(cloud, cmd, opts)
    if cluster is None:
        return cmd
    admin = bool(opts.get("--admin"))
    if opts.get("--network") and not admin:
        return failed(cmd, "The --network option requires --admin.")
    context = "%s/%s%s" % (cluster.name, cluster.id, "/admin" if admin else "")
    path = kubeconfig_path(cmd)
    try:
        config = yamlish.load_all(read_file(path))[0]
    except (OSError, IndexError, yamlish.YamlError):
        config = {"apiVersion": "v1", "kind": "Config", "clusters": [], "contexts": [], "users": [],
                  "preferences": {}}
    server = "https://c100.us-south.containers.cloud.ibm.com:30426"
    user = "%s/%s" % ("admin" if admin else cloud.user, cluster.id)
    config["clusters"] = [c for c in config.get("clusters") or [] if c.get("name") != cluster.name] + [
        {"name": "%s/%s" % (cluster.name, cluster.id), "cluster": {"server": server}}]
    config["contexts"] = [c for c in config.get("contexts") or [] if c.get("name") != context] + [
        {"name": context, "context": {"cluster": "%s/%s" % (cluster.name, cluster.id), "user": user,
                                      "namespace": "default"}}]
    config["users"] = [u for u in config.get("users") or [] if u.get("name") != user] + [
        {"name": user, "user": {"token": "stub-" + ("admin" if admin else "user")}}]
    config["current-context"] = context
    write_file(path, yamlish.dump(config), mode=0o600)
    cmd.say("OK")
    cmd.say("The configuration for %s was downloaded successfully." % cluster.name)
    cmd.say("")
    cmd.say("Added context for %s to the current kubeconfig file." % cluster.name)
    cmd.say("You can now execute 'kubectl' commands against your cluster. For example, run "
            "'kubectl get nodes'.")
    if opts.get("--network"):
        folder = os.path.join(cmd.home(), ".bluemix", "plugins", "container-service", "clusters",
                              "%s-%s-admin" % (cluster.name, cluster.id[:8]))
        calico = os.path.join(folder, "calicoctl.cfg")
        write_file(calico, yamlish.dump({
            "apiVersion": "projectcalico.org/v3",
            "kind": "CalicoAPIConfig",
            "metadata": None,
            "spec": {"datastoreType": "kubernetes", "kubeconfig": path},
        }))
        cmd.say("")
        cmd.say("Network Config:")
        cmd.say("")
        cmd.say(calico)
    return cmd


def image_security(cloud, cmd, args, enable):
    _, opts = parse(args, with_value=("-c", "--cluster"))
    cluster = cluster_named(cloud, cmd, opts)
    if cluster is None:
        return cmd
    if enable:
        cmd.say("Enabling image security enforcement for cluster %s..." % cluster.name)
        cluster.kube.enable_portieris(cloud.config.portieris_polls)
    else:
        cmd.say("Disabling image security enforcement for cluster %s..." % cluster.name)
        cluster.kube.disable_portieris()
    cmd.say("OK")
    return cmd
