"""`docker`: build, tag, push (signed when `DOCKER_CONTENT_TRUST=1`), images, and the
`docker trust` commands, keeping signing keys in `~/.docker/trust/private` as docker does.
"""

import base64
import glob
import hashlib
import json
import os
import re
import time

from . import cloud as model
from .cli import Usage, parse, read_file, table, write_file

ROOT_INTRO = """You are about to create a new root signing key passphrase. This passphrase
will be used to protect the most sensitive key in your signing system. Please
choose a long, complex passphrase and be careful to keep the password and the
key file itself secure and backed up. It is highly recommended that you use a
password manager to generate the passphrase and keep it safe. There will be no
way to recover this key. You can find the key in your config directory."""


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
    # A Debian 9 base from before April 2019 carries the wget of CVE-2019-5953.
    content = "debian9-wget" if re.match(r"^debian:(9|stretch)", base.group(1)) and "wget" in text else "clean"
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
                     "95.4MB" if image["content"] == "debian9-wget" else "72.8MB"])
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
    signing = cmd.env.get("DOCKER_CONTENT_TRUST") == "1"
    if signing:
        problem = trust_server_problem(cmd, registry)
        if problem:
            return cmd.fail(problem)
        if not passphrases_ready(cloud, cmd, repo, ["root", "repository"]):
            return cmd
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
    if signing:
        sign(cloud, cmd, repo, tag_, local["digest"])
    return cmd


# --- content trust ------------------------------------------------------------------------------

def trust_server_problem(cmd, registry):
    """Why docker cannot reach the registry's notary server, or None. IBM's is on port 4443;
    docker's default (the registry itself on 443) has no trust data to give."""
    server = cmd.env.get("DOCKER_CONTENT_TRUST_SERVER", "")
    if server.rstrip("/") != "https://%s:4443" % registry:
        return "Error: error contacting notary server: the registry %s does not serve trust data " \
               "at %s" % (registry, server or "https://%s" % registry)
    return None


def key_dir(cmd):
    return os.path.join(cmd.env.get("DOCKER_CONFIG") or os.path.join(cmd.home(), ".docker"),
                        "trust", "private")


def keys(cmd):
    """Every private key docker holds: (key id, role, gun)."""
    found = []
    for path in sorted(glob.glob(os.path.join(key_dir(cmd), "*.key"))):
        try:
            text = read_file(path)
        except OSError:
            continue
        role = re.search(r"^role:\s*(\S+)", text, re.M)
        gun = re.search(r"^gun:\s*(\S+)", text, re.M)
        found.append((os.path.basename(path)[:-4], role.group(1) if role else "", gun.group(1) if gun else ""))
    return found


def write_key(cmd, role, gun=""):
    key_id = hashlib.sha256(("%s/%s/%s" % (role, gun, time.time())).encode()).hexdigest()
    body = hashlib.sha512(key_id.encode()).digest()
    text = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nrole: %s\n%s\n%s\n-----END ENCRYPTED PRIVATE KEY-----\n" % (
        role, ("gun: %s\n" % gun) if gun else "", base64.b64encode(body * 3).decode())
    write_file(os.path.join(key_dir(cmd), key_id + ".key"), text, mode=0o600)
    return key_id


def passphrases_ready(cloud, cmd, repo, roles):
    """Whether docker has a passphrase for each role it needs; when not, asks the stand-in to
    prompt on the terminal and send the command again (`needs`)."""
    env_names = {"root": "DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE",
                 "repository": "DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE"}
    missing = []
    for role in roles:
        if role == "root" and repo in cloud.trust:
            continue
        value = cmd.env.get(env_names.get(role, "DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE"), "")
        if not value:
            missing.append(env_names.get(role, "DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE"))
        elif len(value) < 8:
            cmd.fail("Error: passphrase is too short. Please use a password manager to generate and "
                     "store a good random passphrase.")
            return False
    if missing:
        cmd.needs = [{"env": name, "prompt": "Enter passphrase for new %s key: " % (
            "root" if "ROOT" in name else "repository")} for name in sorted(set(missing))]
        return False
    return True


def initialize(cloud, cmd, repo):
    """The repository's trust data, created (root key reused) on first use."""
    if repo in cloud.trust:
        return cloud.trust[repo]
    roots = [k for k in keys(cmd) if k[1] == "root"]
    if not roots:
        cmd.say(ROOT_INTRO)
        root = write_key(cmd, "root")
    else:
        root = roots[0][0]
    repository = write_key(cmd, "targets", repo)
    cloud.trust[repo] = {"root": root, "repository": repository, "signed": {}, "signers": {}}
    cmd.say('Finished initializing "%s"' % repo)
    return cloud.trust[repo]


def sign(cloud, cmd, repo, tag_, digest):
    cmd.say("Signing and pushing trust metadata")
    data = initialize(cloud, cmd, repo)
    own_roles = {k[1] for k in keys(cmd)}
    signers = ["Repo Admin"] + [name for name in sorted(data["signers"]) if name in own_roles]
    data["signed"][tag_] = {"digest": digest, "signers": signers}
    cmd.say("Successfully signed %s:%s" % (repo, tag_))


def trust(cloud, cmd, args):
    if not args:
        raise Usage("requires a subcommand")
    sub, rest = args[0], args[1:]
    if sub == "inspect":
        return trust_inspect(cloud, cmd, rest)
    if sub == "revoke":
        return trust_revoke(cloud, cmd, rest)
    if sub == "sign":
        return trust_sign(cloud, cmd, rest)
    if sub == "key" and rest[:1] == ["generate"]:
        return key_generate(cloud, cmd, rest[1:])
    if sub == "signer" and rest[:1] == ["add"]:
        return signer_add(cloud, cmd, rest[1:])
    if sub == "signer" and rest[:1] == ["remove"]:
        return signer_remove(cloud, cmd, rest[1:])
    raise Usage("unknown trust command")


def trust_inspect(cloud, cmd, args):
    positionals, opts = parse(args)
    if not positionals:
        raise Usage("requires at least 1 argument.")
    results, problems = [], []
    pretty = []
    for name in positionals:
        repo, _, wanted = name.rpartition(":") if ":" in name.rsplit("/", 1)[-1] else (name, "", "")
        registry = model.split_ref(repo + ":x")[0]
        data = cloud.trust.get(repo) if not trust_server_problem(cmd, registry) else None
        if data is None:
            problems.append("No signatures or cannot access %s" % name)
            continue
        tags = sorted(t for t in data["signed"] if not wanted or t == wanted)
        signed = [{"SignedTag": t, "Digest": data["signed"][t]["digest"],
                   "Signers": data["signed"][t]["signers"]} for t in tags]
        signers = [{"Name": n, "Keys": [{"ID": k} for k in data["signers"][n]]} for n in sorted(data["signers"])]
        admin = [{"Name": "Repository", "Keys": [{"ID": data["repository"]}]},
                 {"Name": "Root", "Keys": [{"ID": data["root"]}]}]
        results.append({"Name": name, "SignedTags": signed, "Signers": signers, "AdministrativeKeys": admin})
        if opts.get("--pretty"):
            pretty.extend(pretty_trust(name, repo, signed, signers, data))
    if opts.get("--pretty"):
        for line in pretty:
            cmd.say(line)
    else:
        cmd.say(json.dumps(results, indent=4))
    for problem in problems:
        cmd.warn(problem)
    if problems:
        cmd.code = 1
    return cmd


def pretty_trust(name, repo, signed, signers, data):
    lines = []
    if signed:
        lines.append("")
        lines.append("Signatures for %s" % name)
        lines.append("")
        lines.extend(table([[s["SignedTag"], s["Digest"], ", ".join(
            "(%s)" % n if n == "Repo Admin" else n for n in s["Signers"])] for s in signed],
            ["SIGNED TAG", "DIGEST", "SIGNERS"]))
    else:
        lines.append("")
        lines.append("No signatures for %s" % name)
    lines.append("")
    if signers:
        lines.append("List of signers and their keys for %s:" % repo)
        lines.append("")
        lines.extend(table([[s["Name"], ", ".join(k["ID"][:12] for k in s["Keys"])] for s in signers],
                           ["SIGNER", "KEYS"]))
        lines.append("")
    lines.append("Administrative keys for %s:" % repo)
    lines.append("")
    lines.append("  Repository Key:\t%s" % data["repository"])
    lines.append("  Root Key:\t%s" % data["root"])
    return lines


def trust_revoke(cloud, cmd, args):
    positionals, _ = parse(args, aliases={"-y": "--yes"})
    if len(positionals) != 1:
        raise Usage("requires exactly 1 argument.")
    name = positionals[0]
    repo, _, tag_ = name.rpartition(":") if ":" in name.rsplit("/", 1)[-1] else (name, "", "")
    registry = model.split_ref(repo + ":x")[0]
    problem = trust_server_problem(cmd, registry)
    if problem:
        return cmd.fail(problem)
    data = cloud.trust.get(repo)
    if data is None or (tag_ and tag_ not in data["signed"]):
        return cmd.fail("could not remove signature for %s: No valid trust data for %s" % (name, tag_ or repo))
    if not passphrases_ready(cloud, cmd, repo, ["repository"]):
        return cmd
    if tag_:
        del data["signed"][tag_]
        cmd.say("Successfully deleted signature for %s" % name)
    else:
        data["signed"].clear()
        cmd.say("Successfully deleted signature for %s" % repo)
    return cmd


def trust_sign(cloud, cmd, args):
    positionals, _ = parse(args)
    if len(positionals) != 1:
        raise Usage("requires exactly 1 argument.")
    ref = model.normalize_ref(positionals[0])
    repo, _, tag_ = ref.rpartition(":")
    problem = trust_server_problem(cmd, model.split_ref(ref)[0])
    if problem:
        return cmd.fail(problem)
    image = cloud.image(ref)
    if image is None:
        return cmd.fail("No tag specified for %s" % ref)
    if not passphrases_ready(cloud, cmd, repo, ["root", "repository"]):
        return cmd
    sign(cloud, cmd, repo, tag_, image["digest"])
    return cmd


def key_generate(cloud, cmd, args):
    positionals, opts = parse(args, with_value=("--dir",))
    if len(positionals) != 1:
        raise Usage("requires exactly 1 argument.")
    name = positionals[0]
    if not re.match(r"^[a-z0-9][a-z0-9_-]*$", name):
        return cmd.fail("key name \"%s\" must start with lowercase alphanumeric characters and can include "
                        "\"-\" or \"_\" after the first character" % name)
    if not passphrases_ready(cloud, cmd, name, ["repository"]):
        return cmd
    cmd.say("Generating key for %s..." % name)
    key_id = write_key(cmd, name)
    folder = cmd.path(opts["--dir"]) if "--dir" in opts else cmd.cwd
    pub = os.path.join(folder, name + ".pub")
    write_file(pub, "-----BEGIN PUBLIC KEY-----\nrole: %s\n\n%s\n-----END PUBLIC KEY-----\n"
               % (name, hashlib.sha256(key_id.encode()).hexdigest()))
    cmd.say("Successfully generated and loaded private key. Corresponding public key available: %s"
            % (name + ".pub" if "--dir" not in opts else pub))
    return cmd


def signer_add(cloud, cmd, args):
    positionals, opts = parse(args, with_value=("--key",))
    if len(positionals) < 2 or "--key" not in opts:
        raise Usage("requires at least 2 argument(s) and --key")
    name, repos = positionals[0], positionals[1:]
    try:
        public = read_file(cmd.path(opts["--key"]))
    except OSError:
        return cmd.fail("file for public key does not exist: %s" % opts["--key"])
    key_id = hashlib.sha256(public.encode()).hexdigest()
    for repo in repos:
        problem = trust_server_problem(cmd, model.split_ref(repo + ":x")[0])
        if problem:
            return cmd.fail(problem)
        if not passphrases_ready(cloud, cmd, repo, ["root", "repository"]):
            return cmd
        cmd.say('Adding signer "%s" to %s...' % (name, repo))
        data = initialize(cloud, cmd, repo)
        data["signers"][name] = [key_id]
        cmd.say("Successfully added signer: %s to %s" % (name, repo))
    return cmd


def signer_remove(cloud, cmd, args):
    positionals, _ = parse(args, aliases={"-f": "--force"})
    if len(positionals) < 2:
        raise Usage("requires at least 2 arguments.")
    name, repos = positionals[0], positionals[1:]
    for repo in repos:
        problem = trust_server_problem(cmd, model.split_ref(repo + ":x")[0])
        if problem:
            return cmd.fail(problem)
        data = cloud.trust.get(repo)
        cmd.say('Removing signer "%s" from %s...' % (name, repo))
        if data is None or name not in data["signers"]:
            return cmd.fail("Error removing signer from: %s\nNo signer %s for repository %s" % (repo, name, repo))
        if not passphrases_ready(cloud, cmd, repo, ["repository"]):
            return cmd
        del data["signers"][name]
        cmd.say("Successfully removed %s from %s" % (name, repo))
    return cmd
