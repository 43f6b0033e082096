"""`ibmcloud cr`: the Container Registry plug-in, Vulnerability Advisor included. Text the
sources leave unconfirmed (`cr region`, exemption-add and exemption-list) is plausible.
"""

import base64
import json
import os
import time

from . import cloud as model
from .cli import Usage, failed, ok, parse, read_file, table, write_file


def run(cloud, cmd, args):
    if not args:
        raise Usage("name a container-registry command")
    sub, rest = args[0], args[1:]
    commands = {
        "region-set": cr_region_set, "region": cr_region, "login": cr_login,
        "namespace-add": cr_namespace_add, "namespace-list": cr_namespace_list,
        "namespaces": cr_namespace_list, "namespace-rm": cr_namespace_rm,
        "image-list": cr_image_list, "images": cr_image_list, "image-rm": cr_image_rm,
        "trash-list": cr_trash_list,
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
    # Its images are deleted (IBM docs: `container-registry-cli`, namespace-rm), and their
    # signatures with them, as image-rm deletes an image's.
    for ref in [r for r in cloud.images if model.split_ref(r)[1] == name]:
        digest = cloud.images.pop(ref)["digest"]
        cloud.signatures[digest] = [s for s in cloud.signatures.get(digest, [])
                                    if model.split_ref(s["identity"])[1] != name]
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
        ] + ([security_status(cloud.va_status(ref, consume=False))] if opts.get("--va") else []))
    if opts.get("--quiet"):
        for row in rows:
            cmd.say("%s:%s" % (row[0], row[1]))
        return cmd
    cmd.say("Listing images...")
    cmd.say("")
    # The security status column only with `--va` (CLI 1.0.0, 2022-09-15, IBM-APIS.md).
    header = ["Repository", "Tag", "Digest", "Namespace", "Created", "Size"]
    for line in table(rows, header + (["Security status"] if opts.get("--va") else [])):
        cmd.say(line)
    return ok(cmd)


def cr_image_rm(cloud, cmd, args):
    """Deletes an image: its digest and every tag of it in the repository, and its signatures
    (IBM docs: `container-registry-cli`, image-rm; `registry_at_events`, "If the image is
    signed, the signature is deleted as well"). The wording of the output is unconfirmed."""
    if not args:
        raise Usage("name the image: ibmcloud cr image-rm IMAGE")
    for name in args:
        ref = model.normalize_ref(name)
        image = cloud.image(ref)
        if image is None:
            return failed(cmd, "The image '%s' was not found. Check the name and try again." % name)
        repository = ref.rsplit(":", 1)[0]
        cmd.say("Deleting image '%s'..." % name)
        tags = [r for r, i in cloud.images.items()
                if r.rsplit(":", 1)[0] == repository and i["digest"] == image["digest"]]
        for other in tags:
            del cloud.images[other]
        cloud.trash.append({"repository": repository, "digest": image["digest"],
                            "namespace": model.split_ref(ref)[1],
                            "tags": [t.rsplit(":", 1)[1] for t in tags], "deleted": time.time()})
        kept = [s for s in cloud.signatures.get(image["digest"], [])
                if s["identity"].rsplit(":", 1)[0] != repository]
        cloud.signatures[image["digest"]] = kept
        cmd.say("Successfully deleted image '%s'" % name)
    return ok(cmd)


def cr_trash_list(cloud, cmd, args):
    """The images deleted in the last 30 days, in the columns of IBM's docs example
    (`container-registry-cli`, trash-list): the digest as `REPO@sha256:…` ("the digest up to
    the `@` is DNS/NAMESPACE/REPO", `registry_images_`), the days until expiry rounded up, and
    the tags. How several tags are joined is unconfirmed."""
    _, opts = parse(args, with_value=("--restrict",))
    cmd.say("Listing the contents of the trash...")
    cmd.say("")
    rows = [["%s@sha256:%s" % (t["repository"], t["digest"]), 30 - int((time.time() - t["deleted"]) // 86400),
             ", ".join(t["tags"])]
            for t in cloud.trash if opts.get("--restrict") in (None, t["namespace"])]
    if rows:
        for line in table(rows, ["Digest", "Days until expiry", "Tags"]):
            cmd.say(line)
    else:
        cmd.say("The trash is empty.")
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
    """`Creating exemption for 'ISSUE' in 'SCOPE'... OK`, as IBM-APIS.md confirms. Adding one
    that exists already changes nothing (what the real CLI says then is unconfirmed)."""
    scope, issue_type, issue_id = exemption_args(args)
    cloud.add_exemption(scope, issue_type, issue_id)
    cmd.say("Creating exemption for '%s' in '%s'..." % (issue_id, scope))
    return ok(cmd)


def cr_exemption_rm(cloud, cmd, args):
    """The wording, and the error for an exemption that does not exist, are unconfirmed: they
    follow exemption-add's."""
    scope, issue_type, issue_id = exemption_args(args)
    cmd.say("Deleting exemption for '%s' in '%s'..." % (issue_id, scope))
    if not cloud.remove_exemption(scope, issue_type, issue_id):
        return failed(cmd, "No exemption for %s issue '%s' in scope '%s' was found."
                      % (issue_type, issue_id, scope))
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
