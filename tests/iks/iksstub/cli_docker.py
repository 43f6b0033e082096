"""`docker`: build, tag, push and images. Docker Content Trust (`DOCKER_CONTENT_TRUST=1`,
`docker trust ...`) fails as it does against today's Container Registry, whose notary server is
gone: images are signed with skopeo (`cli_skopeo.py`).
"""

import hashlib
import json
import os
import re
import time

from . import cloud as model
from .cli import Usage, parse, read_file, table

def run(cloud, cmd):
    if not cmd.args:
        cmd.say("Usage:  docker [OPTIONS] COMMAND")
        return cmd
    sub, rest = cmd.args[0], cmd.args[1:]
    commands = {"build": build, "tag": tag, "push": push, "images": images, "image": image_group,
                "trust": trust, "login": login, "version": version}
    if sub not in commands:
        return cmd.fail("docker: '%s' is not a docker command.\nSee 'docker --help'" % sub)
    try:
        return commands[sub](cloud, cmd, rest)
    except Usage as problem:
        return cmd.fail('"docker %s" %s' % (sub, problem))


def version(cloud, cmd, args):
    cmd.say("Client:\n Version:           27.3.1 (stand-in)\n\nServer:\n Engine:\n  Version:          27.3.1")
    return cmd


def image_group(cloud, cmd, args):
    if args[:1] == ["ls"]:
        return images(cloud, cmd, args[1:])
    raise Usage("supports only `image ls` here")


def login(cloud, cmd, args):
    return cmd.fail("Use `ibmcloud cr login` to log docker in to IBM Cloud Container Registry.")


def build(cloud, cmd, args):
    positionals, opts = parse(args, with_value=("-t", "--tag", "-f", "--file"),
                              aliases={"--tag": "-t", "--file": "-f"})
    if not positionals:
        raise Usage("requires exactly 1 argument.")
    context = cmd.path(positionals[0])
    dockerfile = cmd.path(opts["-f"]) if "-f" in opts else os.path.join(context, "Dockerfile")
    try:
        text = read_file(dockerfile)
    except OSError:
        return cmd.fail("ERROR: failed to solve: failed to read dockerfile: open %s: no such file or directory"
                        % os.path.basename(dockerfile))
    base = re.search(r"^\s*FROM\s+(\S+)", text, re.M | re.I)
    if not base:
        return cmd.fail("ERROR: failed to solve: the Dockerfile has no FROM instruction")
    content = built_content(cloud, base.group(1), text)
    digest = hashlib.sha256(text.encode()).hexdigest()
    steps = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    cmd.warn("#0 building with \"default\" instance using docker driver")
    for i, step in enumerate(steps, 1):
        cmd.warn("#%d [%d/%d] %s" % (i, i, len(steps), step[:70]))
    cmd.warn("#%d exporting to image" % (len(steps) + 1))
    cmd.warn("#%d writing image sha256:%s done" % (len(steps) + 1, digest))
    for name in [opts["-t"]] if "-t" in opts else []:
        ref = model.normalize_ref(name)
        cloud.local_images[ref] = {"content": content, "digest": digest, "created": time.time()}
        cmd.warn("#%d naming to %s done" % (len(steps) + 1, ref))
    return cmd


def built_content(cloud, base, text):
    """What VA would see in the image a Dockerfile builds: the base's distribution (or the
    content of a local image it builds on) and the packages `apt-get install` pins to a
    version (`libsodium23=1.0.18-1`); unpinned packages are current, so VA finds nothing."""
    ref = model.normalize_ref(base)
    parent = cloud.local_images.get(ref) or cloud.image(ref)
    if parent:
        content = {"os": parent["content"]["os"], "packages": dict(parent["content"]["packages"])}
    else:
        content = {"os": model.base_distribution(base), "packages": {}}
    script = text.replace("\\\n", " ")
    for install in re.findall(r"apt-get\s+install\b([^&;|\n]*)", script):
        for package, version in re.findall(r"(?:^|\s)([a-z0-9][a-z0-9+.-]*)=([0-9][A-Za-z0-9.+~:-]*)", install):
            content["packages"][package] = version
    return content


def tag(cloud, cmd, args):
    positionals, _ = parse(args)
    if len(positionals) != 2:
        raise Usage("requires exactly 2 arguments.")
    source, target = (model.normalize_ref(p) for p in positionals)
    if source not in cloud.local_images:
        return cmd.fail("Error response from daemon: No such image: %s" % positionals[0])
    cloud.local_images[target] = dict(cloud.local_images[source])
    return cmd


def images(cloud, cmd, args):
    rows = []
    for ref in sorted(cloud.local_images):
        image = cloud.local_images[ref]
        repo, _, tag_ = ref.rpartition(":")
        rows.append([repo, tag_, image["digest"][:12], "About a minute ago",
                     "%.1fMB" % (model.image_size(image["content"]) / 1e6)])
    for line in table(rows, ["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"]):
        cmd.say(line)
    return cmd


def logged_in(cmd, registry):
    path = os.path.join(cmd.env.get("DOCKER_CONFIG") or os.path.join(cmd.home(), ".docker"), "config.json")
    try:
        return registry in json.loads(read_file(path)).get("auths", {})
    except (OSError, ValueError):
        return False


def push(cloud, cmd, args):
    positionals, _ = parse(args)
    if len(positionals) != 1:
        raise Usage("requires exactly 1 argument.")
    ref = model.normalize_ref(positionals[0])
    registry, namespace, repository, tag_ = model.split_ref(ref)
    local = cloud.local_images.get(ref)
    repo = ref.rsplit(":", 1)[0]
    if local is None:
        return cmd.fail("An image does not exist locally with the tag: %s" % repo)
    cmd.say("The push refers to repository [%s]" % repo)
    if not logged_in(cmd, registry):
        cmd.say("5f70bf18a086: Preparing")
        return cmd.fail("unauthorized: The login credentials are not valid, or your IBM Cloud account "
                        "is not active.")
    if namespace not in cloud.namespaces:
        cmd.say("5f70bf18a086: Preparing")
        return cmd.fail("denied: requested access to the resource is denied")
    cloud.push(ref, local)
    cmd.say("5f70bf18a086: Pushed")
    cmd.say("%s: digest: sha256:%s size: 1570" % (tag_, local["digest"]))
    if cmd.env.get("DOCKER_CONTENT_TRUST") == "1":
        # The image is pushed; signing it then fails, as docker's does without a notary.
        return cmd.fail(notary_unreachable(cmd, registry))
    return cmd


# --- content trust ------------------------------------------------------------------------------

def notary_unreachable(cmd, registry):
    """Docker Content Trust's error today: Container Registry discontinued its notary server on
    2021-11-01 (IBM-APIS.md), so nothing answers at the port the seed lab used, and docker's
    default server (the registry itself) serves no trust data."""
    server = cmd.env.get("DOCKER_CONTENT_TRUST_SERVER") or "https://%s" % registry
    host = server.split("://", 1)[-1].rstrip("/")
    if ":" not in host:
        host += ":443"
    return "Error: error contacting notary server: dial tcp %s: connect: connection refused" % host


def trust(cloud, cmd, args):
    """`docker trust ...`: every subcommand asks the notary server, which is gone."""
    names = [a for a in args[1:] if not a.startswith("-")]
    ref = model.normalize_ref(names[-1]) if names else ""
    registry = model.split_ref(ref)[0] if ref else "docker.io"
    return cmd.fail(notary_unreachable(cmd, registry))
