"""`ibmcloud` and its plug-ins (`cr`, `ks`, `kp`, `resource`, `iam`), with the output formats
of IBM-APIS.md. Text the sources leave unconfirmed (exemption-add, the `ks kms` tables) is
plausible, and the lessons do not match it closely.
"""

import base64
import json
import os
import time

from . import cloud as model
from . import api
from . import yamlish
from .cli import Usage, parse, read_file, table, write_file

NOT_LOGGED_IN = "Not logged in. Use 'ibmcloud login' to log in."


def run(cloud, cmd):
    args = cmd.args
    if not args or args[0] in ("-h", "--help", "help"):
        cmd.say("NAME:\n  ibmcloud - A command line tool to interact with IBM Cloud (stand-in)")
        return cmd
    group, rest = args[0], args[1:]
    if group == "login":
        return login(cloud, cmd, rest)
    if group == "logout":
        cloud.logged_in = False
        cmd.say("Logging out...\nOK")
        return cmd
    if not cloud.logged_in:
        return failed(cmd, NOT_LOGGED_IN)
    handlers = {"target": target, "iam": iam, "cr": cr, "ks": ks, "oc": ks, "kp": kp,
                "resource": resource, "account": account}
    handler = handlers.get(group)
    if handler is None:
        return failed(cmd, "'%s' is not a registered command. See 'ibmcloud help'." % group)
    try:
        return handler(cloud, cmd, rest)
    except Usage as problem:
        return failed(cmd, "Incorrect Usage: %s" % problem)


def failed(cmd, message):
    cmd.say("FAILED")
    return cmd.fail(message)


def ok(cmd):
    cmd.say("")
    cmd.say("OK")
    return cmd


def login(cloud, cmd, args):
    _, opts = parse(args, with_value=("--apikey", "-r", "-a", "-g", "-c", "-u", "-p"),
                    aliases={"--apikey": "--apikey"})
    key = opts.get("--apikey") or cmd.env.get("IBMCLOUD_API_KEY", "")
    if key.startswith("@"):
        try:
            text = read_file(cmd.path(key[1:]))
            key = json.loads(text).get("apikey", "") if text.strip().startswith("{") else text.strip()
        except (OSError, ValueError):
            return failed(cmd, "Unable to read the API key file '%s'." % key[1:])
    cmd.say("API endpoint: https://cloud.ibm.com")
    cmd.say("Authenticating...")
    if not key:
        return failed(cmd, "Provide an API key with --apikey or IBMCLOUD_API_KEY, or use --sso.")
    if key != cloud.api_key:
        return failed(cmd, "Unable to authenticate.\nProvided API key could not be found.")
    region = opts.get("-r")
    if region and region not in model.REGISTRIES:
        return failed(cmd, "Region '%s' was not found." % region)
    cloud.logged_in = True
    cloud.region = region or cloud.region
    cmd.say("OK")
    cmd.say("")
    cmd.say("Targeted account %s (%s)" % (cloud.account_name, cloud.account))
    cmd.say("")
    if region:
        cmd.say("Targeted region %s" % region)
        cmd.say("")
    target_table(cloud, cmd)
    return cmd


def target_table(cloud, cmd):
    for line in [
        "API endpoint:      https://cloud.ibm.com",
        "Region:            %s" % (cloud.region or ""),
        "User:              %s" % cloud.user,
        "Account:           %s (%s) <-> 2043121" % (cloud.account_name, cloud.account),
        "Resource group:    No resource group targeted, use 'ibmcloud target -g RESOURCE_GROUP'",
    ]:
        cmd.say(line)


def target(cloud, cmd, args):
    _, opts = parse(args, with_value=("-r", "-g", "-c", "--output"))
    if "-r" in opts:
        if opts["-r"] not in model.REGISTRIES:
            return failed(cmd, "Region '%s' was not found." % opts["-r"])
        cloud.region = opts["-r"]
    if str(opts.get("--output", "")).lower() == "json":
        cmd.say(json.dumps({
            "api_endpoint": "https://cloud.ibm.com",
            "region": {"name": cloud.region or ""},
            "user": {"display_name": cloud.user},
            "account": {"guid": cloud.account, "name": cloud.account_name},
        }, indent=2))
        return cmd
    target_table(cloud, cmd)
    return cmd


def account(cloud, cmd, args):
    if args[:1] == ["show"]:
        cmd.say("Retrieving account %s of %s..." % (cloud.account_name, cloud.user))
        cmd.say("OK")
        cmd.say("")
        cmd.say("Account Name:          %s" % cloud.account_name)
        cmd.say("Account ID:            %s" % cloud.account)
        cmd.say("Account Owner:         %s" % cloud.user)
        return cmd
    raise Usage("unknown account command")


def iam(cloud, cmd, args):
    if args[:1] == ["oauth-tokens"]:
        _, opts = parse(args[1:], with_value=("--output",))
        if str(opts.get("--output", "")).lower() == "json":
            cmd.say(json.dumps({"iam_token": "Bearer " + cloud.token}, indent=2))
        else:
            cmd.say("IAM token:  Bearer " + cloud.token)
        return cmd
    raise Usage("unknown iam command")


# --- Container Registry ---------------------------------------------------------------------

def cr(cloud, cmd, args):
    if not args:
        raise Usage("name a container-registry command")
    sub, rest = args[0], args[1:]
    commands = {
        "region-set": cr_region_set, "region": cr_region, "login": cr_login,
        "namespace-add": cr_namespace_add, "namespace-list": cr_namespace_list,
        "namespaces": cr_namespace_list, "namespace-rm": cr_namespace_rm,
        "image-list": cr_image_list, "images": cr_image_list,
        "va": cr_va, "vulnerability-assessment": cr_va,
        "exemption-add": cr_exemption_add, "exemption-list": cr_exemption_list,
        "exemptions": cr_exemption_list, "exemption-rm": cr_exemption_rm,
        "exemption-types": cr_exemption_types,
    }
    if sub not in commands:
        return failed(cmd, "'%s' is not a registered command. See 'ibmcloud cr help'." % sub)
    return commands[sub](cloud, cmd, rest)


def cr_region_set(cloud, cmd, args):
    positionals, _ = parse(args)
    if not positionals:
        raise Usage("name the region")
    region = positionals[0]
    if region not in model.REGISTRIES:
        return failed(cmd, "The region '%s' is not valid. Valid regions are %s."
                      % (region, ", ".join(sorted(model.REGISTRIES))))
    cloud.cr_region = region
    cmd.say("The region is set to '%s', the registry is '%s'." % (region, model.REGISTRIES[region]))
    return ok(cmd)


def cr_region(cloud, cmd, args):
    region = cloud.cr_region or cloud.region or "us-south"
    cmd.say("You are targeting region '%s', the registry is '%s'." % (region, model.REGISTRIES[region]))
    return ok(cmd)


def cr_login(cloud, cmd, args):
    registry = cloud.registry()
    config_path = os.path.join(cmd.env.get("DOCKER_CONFIG") or os.path.join(cmd.home(), ".docker"),
                               "config.json")
    try:
        config = json.loads(read_file(config_path))
    except (OSError, ValueError):
        config = {}
    auth = base64.b64encode(("iambearer:" + cloud.token).encode()).decode()
    config.setdefault("auths", {})[registry] = {"auth": auth}
    write_file(config_path, json.dumps(config, indent="\t") + "\n", mode=0o600)
    cmd.say("Logging 'docker' in to '%s'..." % registry)
    cmd.say("Logged in to '%s'." % registry)
    return ok(cmd)


def cr_namespace_add(cloud, cmd, args):
    positionals, _ = parse(args, with_value=("-g",))
    if not positionals:
        raise Usage("name the namespace")
    name = positionals[0]
    if not (4 <= len(name) <= 30) or not all(c.islower() or c.isdigit() or c in "-_" for c in name):
        return failed(cmd, "The namespace '%s' is not valid: use 4 to 30 lowercase letters, "
                           "numbers, hyphens (-) and underscores (_)." % name)
    cmd.say("Adding namespace '%s' in resource group 'Default' for account %s in registry %s..."
            % (name, cloud.account_name, cloud.registry()))
    cmd.say("")
    if cloud.add_namespace(name):
        cmd.say("Successfully added namespace '%s'" % name)
    else:
        cmd.say("The requested namespace is already owned by your account.")
    return ok(cmd)


def cr_namespace_list(cloud, cmd, args):
    cmd.say("Listing namespaces for account '%s' in registry '%s'..." % (cloud.account_name, cloud.registry()))
    cmd.say("")
    for line in table([[n] for n in sorted(cloud.namespaces)], ["Namespace"]):
        cmd.say(line)
    return ok(cmd)


def cr_namespace_rm(cloud, cmd, args):
    positionals, _ = parse(args)
    if not positionals:
        raise Usage("name the namespace")
    name = positionals[0]
    if cloud.namespaces.pop(name, None) is None:
        return failed(cmd, "The namespace '%s' was not found." % name)
    for ref in [r for r in cloud.images if model.split_ref(r)[1] == name]:
        del cloud.images[ref]
    cmd.say("Removing namespace '%s'..." % name)
    cmd.say("")
    cmd.say("Successfully removed namespace '%s'" % name)
    return ok(cmd)


def age(seconds):
    seconds = max(0, int(seconds))
    if seconds < 60:
        return "%d seconds ago" % seconds if seconds != 1 else "1 second ago"
    minutes = seconds // 60
    return "%d minutes ago" % minutes if minutes != 1 else "1 minute ago"


def security_status(status):
    if status is None or status["status"] == "UNSCANNED":
        return "Scanning..."
    issues = status["issue_count"]
    text = "No Issues" if issues == 0 else ("1 Issue" if issues == 1 else "%d Issues" % issues)
    if status["exempt_issue_count"]:
        text += " (%d exempt)" % status["exempt_issue_count"]
    return text


def cr_image_list(cloud, cmd, args):
    _, opts = parse(args, with_value=("--restrict", "--format"), aliases={"-q": "--quiet"})
    restrict = opts.get("--restrict")
    rows = []
    for ref in sorted(cloud.images):
        registry, ns, repo, tag = model.split_ref(ref)
        if restrict and not ("%s/%s" % (ns, repo) == restrict or ns == restrict):
            continue
        image = cloud.images[ref]
        rows.append([
            "%s/%s/%s" % (registry, ns, repo), tag, image["digest"][:12], ns,
            age(time.time() - image["created"]), "%d MB" % (image["size"] // 1_000_000),
            security_status(cloud.va_status(ref, consume=False)),
        ])
    if opts.get("--quiet"):
        for row in rows:
            cmd.say("%s:%s" % (row[0], row[1]))
        return cmd
    cmd.say("Listing images...")
    cmd.say("")
    for line in table(rows, ["Repository", "Tag", "Digest", "Namespace", "Created", "Size",
                             "Security status"]):
        cmd.say(line)
    return ok(cmd)


def cr_va(cloud, cmd, args):
    positionals, opts = parse(args, with_value=("-o", "--output"), aliases={"-e": "--extended"})
    if not positionals:
        raise Usage("name the image")
    ref = model.normalize_ref(positionals[0])
    output = opts.get("-o") or opts.get("--output")
    if cloud.image(ref) is None:
        return failed(cmd, "BXNVA0002E: The image '%s' was not found. Check the spelling of the image name."
                      % positionals[0])
    report = cloud.va_report(ref)
    if report["status"] == "UNSCANNED":
        return failed(cmd, "BXNVA0009E: '%s' has not been scanned. Try again later.\nIf this issue "
                           "persists, check the status of the image with 'ibmcloud cr image-list'." % ref)
    if output == "json":
        cmd.say(json.dumps([dict(report, name=ref)], indent=4))
        return cmd
    issues = [v for v in report["vulnerabilities"] if not v["cve_exempt"]]
    exempt = len(report["vulnerabilities"]) - len(issues)
    cmd.say("Checking security issues for '%s'..." % ref)
    cmd.say("")
    cmd.say("Image '%s' was last scanned on %s" % (ref, time.strftime(
        "%a %b %d %H:%M:%S UTC %Y", time.gmtime(report["scan_time"]))))
    if not report["vulnerabilities"]:
        cmd.say("The scan results show that NO ISSUES were found for the image.")
        return ok(cmd)
    found = len(issues)
    if found:
        cmd.say("The scan results show that %d ISSUE%s %s found for the image." %
                (found, "" if found == 1 else "S", "was" if found == 1 else "were"))
    else:
        cmd.say("The scan results show that NO ISSUES were found for the image.")
    if exempt:
        cmd.say("%d exempt issue%s found." % (exempt, "" if exempt == 1 else "s"))
    cmd.say("")
    cmd.say("Vulnerable Packages Found")
    cmd.say("=========================")
    cmd.say("")
    rows = []
    for v in report["vulnerabilities"]:
        notice = v["security_notices"][0]
        package = notice["vulnerable_packages"][0]
        rows.append([v["cve_id"], "Exempt" if v["cve_exempt"] else "Active", package["package_name"],
                     notice["notice_id"], package["corrective_action"]])
    for line in table(rows, ["Vulnerability ID", "Policy Status", "Affected Packages",
                             "Security Notice", "How to Resolve"]):
        cmd.say(line)
    return ok(cmd)


def exemption_args(args):
    _, opts = parse(args, with_value=("--scope", "--issue-type", "--issue-id"))
    for name in ("--scope", "--issue-type", "--issue-id"):
        if not opts.get(name):
            raise Usage("the %s flag is required" % name)
    if opts["--issue-type"] not in ("cve", "sn", "configuration"):
        raise Usage("--issue-type must be cve, sn or configuration")
    return opts["--scope"], opts["--issue-type"], opts["--issue-id"]


def cr_exemption_add(cloud, cmd, args):
    scope, issue_type, issue_id = exemption_args(args)
    _, created = cloud.add_exemption(scope, issue_type, issue_id)
    cmd.say("Creating exemption for %s issue '%s' in scope '%s'..." % (issue_type, issue_id, scope))
    cmd.say("")
    cmd.say("Successfully created exemption." if created else "The exemption already exists.")
    return ok(cmd)


def cr_exemption_rm(cloud, cmd, args):
    scope, issue_type, issue_id = exemption_args(args)
    if not cloud.remove_exemption(scope, issue_type, issue_id):
        return failed(cmd, "BXNVA0043E: No exemption for %s issue '%s' in scope '%s' was found."
                      % (issue_type, issue_id, scope))
    cmd.say("Deleting exemption for %s issue '%s' in scope '%s'..." % (issue_type, issue_id, scope))
    cmd.say("")
    cmd.say("Successfully deleted exemption.")
    return ok(cmd)


def cr_exemption_list(cloud, cmd, args):
    _, opts = parse(args, with_value=("--scope",))
    cmd.say("Listing exemptions...")
    cmd.say("")
    rows = [[model.scope_text(e["scope"], cloud.registry()), e["issue_type"], e["issue_id"]]
            for e in cloud.exemptions]
    if opts.get("--scope"):
        rows = [r for r in rows if r[0] == opts["--scope"]]
    for line in table(rows, ["Scope", "Issue type", "Issue ID"]):
        cmd.say(line)
    return ok(cmd)


def cr_exemption_types(cloud, cmd, args):
    cmd.say("Listing exemption types...")
    cmd.say("")
    for line in table([["CVE", "cve"], ["Security notice", "sn"], ["Configuration issue", "configuration"]],
                      ["Display name", "Identifier"]):
        cmd.say(line)
    return ok(cmd)


# --- Resource controller and Key Protect ------------------------------------------------------

def resource(cloud, cmd, args):
    if not args:
        raise Usage("name a resource command")
    sub, rest = args[0], args[1:]
    if sub == "service-instance-create":
        positionals, _ = parse(rest, with_value=("-g", "-p", "--parameters"))
        if len(positionals) < 4:
            raise Usage("ibmcloud resource service-instance-create NAME SERVICE PLAN LOCATION")
        name, service, plan, location = positionals[:4]
        if service != "kms":
            return failed(cmd, "The service '%s' is not in this stand-in's catalog (only kms)." % service)
        if cloud.instance_named(name):
            return failed(cmd, "A service instance named '%s' already exists." % name)
        instance = cloud.create_instance(name, service, plan, location)
        cmd.say("Creating service instance %s in resource group Default of account %s as %s..."
                % (name, cloud.account_name, cloud.user))
        cmd.say("OK")
        cmd.say("Service instance %s was created." % name)
        cmd.say("")
        instance_details(cmd, instance)
        return cmd
    if sub == "service-instance":
        positionals, opts = parse(rest, with_value=("--output", "-g"))
        if not positionals:
            raise Usage("name the service instance")
        instance = cloud.instance_named(positionals[0]) or cloud.instances.get(positionals[0])
        if instance is None:
            return failed(cmd, "Service instance %s was not found." % positionals[0])
        if str(opts.get("--output", "")).lower() == "json":
            cmd.say(json.dumps([instance_json(instance)], indent=4))
            return cmd
        if opts.get("--id"):
            cmd.say("%s %s" % (instance["crn"], instance["guid"]))
            return cmd
        cmd.say("Retrieving service instance %s in all resource groups under account %s as %s..."
                % (instance["name"], cloud.account_name, cloud.user))
        cmd.say("OK")
        cmd.say("")
        instance_details(cmd, instance)
        return cmd
    if sub == "service-instances":
        cmd.say("Retrieving instances with type service_instance in all resource groups in all "
                "locations under account %s as %s..." % (cloud.account_name, cloud.user))
        cmd.say("OK")
        for line in table([[i["name"], i["location"], "active", "service_instance"]
                           for i in cloud.instances.values()], ["Name", "Location", "State", "Type"]):
            cmd.say(line)
        return cmd
    raise Usage("unknown resource command '%s'" % sub)


def instance_json(instance):
    return {"id": instance["crn"], "guid": instance["guid"], "crn": instance["crn"],
            "name": instance["name"], "region_id": instance["location"], "state": "active",
            "type": "service_instance", "resource_plan_id": instance["plan"],
            "created_at": instance["created_at"]}


def instance_details(cmd, instance):
    for line in [
        "Name:                  %s" % instance["name"],
        "ID:                    %s" % instance["crn"],
        "GUID:                  %s" % instance["guid"],
        "Location:              %s" % instance["location"],
        "Service Name:          %s" % instance["service"],
        "Service Plan Name:     %s" % instance["plan"],
        "Resource Group Name:   Default",
        "State:                 active",
        "Type:                  service_instance",
        "Created at:            %s" % instance["created_at"],
    ]:
        cmd.say(line)


def kp(cloud, cmd, args):
    positionals, opts = parse(args, with_value=("-i", "--instance-ID", "--instance-id", "-o", "--output"),
                              aliases={"--instance-ID": "-i", "--instance-id": "-i",
                                       "-s": "--standard-key", "--output": "-o"})
    instance_id = opts.get("-i") or cmd.env.get("KP_INSTANCE_ID", "")
    instance = cloud.instances.get(instance_id)
    if instance is None:
        return failed(cmd, "Unauthorized: The user does not have access to the specified resource "
                           "(instance '%s')." % instance_id)
    if positionals[:2] == ["key", "create"] and len(positionals) >= 3:
        key = cloud.create_key(instance, positionals[2], root=not opts.get("--standard-key"))
        cmd.say("Creating key: '%s', in instance: '%s'..." % (key["name"], instance_id))
        cmd.say("SUCCESS")
        cmd.say("")
        for line in table([[key["id"], key["name"]]], ["Key ID", "Key Name"]):
            cmd.say(line)
        return cmd
    if positionals[:1] == ["keys"]:
        cmd.say("Retrieving keys...")
        cmd.say("SUCCESS")
        cmd.say("")
        for line in table([[k["id"], k["name"]] for k in instance["keys"]], ["Key ID", "Key Name"]):
            cmd.say(line)
        return cmd
    raise Usage("unknown kp command")


# --- Kubernetes Service -----------------------------------------------------------------------

def ks(cloud, cmd, args):
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
        cmd.say("OK")
        rows = [["kube-%s-w%d" % (cloud.cluster.id[:12], i + 1), "169.48.%d.%d" % (10 + i, 20 + i), ip,
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
        cluster.kube.portieris = False
    cmd.say("OK")
    return cmd
