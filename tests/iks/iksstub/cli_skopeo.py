"""`skopeo copy`: pushes a docker daemon's image to the registry (signed with `--sign-by`), or
copies a registry image to a `dir:` folder under a trust policy (`--policy`), as skopeo does.

Behaviour from containers/image, which skopeo runs: the progress lines of `copy/single.go` and
`copy/sign.go` ("Getting image source signatures", ..., "Creating signature: Signing image
using simple signing", "Storing signatures"), the policy's verdicts of
`signature/policy_eval_signedby.go` ("A signature was required, but no signature exists"),
and the identity a signature covers: the destination's reference, tag included. Container
Registry keeps signatures through the Red Hat signatures extension API (IBM docs topic
`Registry-registry_trustedcontent`), so a signed push stores them in the registry, by digest.
"""

import fnmatch
import json
import os

from . import cloud as model
from . import cli_gpg
from .cli import Usage, parse, read_file, write_file
from .cli_docker import logged_in

WITH_VALUE = ("--policy", "--registries.d", "--sign-by", "--sign-passphrase-file", "--src-creds",
              "--dest-creds", "--src-tls-verify", "--dest-tls-verify", "--format", "-f")


def run(cloud, cmd):
    try:
        positionals, opts = parse(cmd.args, with_value=WITH_VALUE)
    except Usage as problem:
        return fatal(cmd, problem)
    if positionals[:1] == ["--version"] or opts.get("--version"):
        cmd.say("skopeo version 1.13.3 (stand-in)")
        return cmd
    if not positionals:
        cmd.say("Usage:\n  skopeo [flags]\n  skopeo [command]")
        return cmd
    if positionals[0] != "copy":
        return cmd.fail('Error: unknown command "%s" for "skopeo" (the stand-in has `copy`)' % positionals[0])
    if len(positionals) != 3:
        return fatal(cmd, "Exactly two arguments expected")
    return copy(cloud, cmd, positionals[1], positionals[2], opts)


def fatal(cmd, message):
    return cmd.fail("FATA[0000] %s" % message)


def transport(name):
    kind, _, rest = name.partition(":")
    if kind == "docker" and rest.startswith("//"):
        return "docker", model.normalize_ref(rest[2:])
    if kind == "docker-daemon":
        return "docker-daemon", model.normalize_ref(rest)
    if kind == "dir":
        return "dir", rest
    return None, name


def copy(cloud, cmd, source, destination, opts):
    src_kind, src = transport(source)
    dst_kind, dst = transport(destination)
    if src_kind not in ("docker", "docker-daemon"):
        return fatal(cmd, "Invalid source name %s: the stand-in copies from docker:// and docker-daemon:" % source)
    if dst_kind not in ("docker", "dir"):
        return fatal(cmd, "Invalid destination name %s: the stand-in copies to docker:// and dir:" % destination)
    policy = load_policy(cmd, opts)
    if isinstance(policy, str):
        return fatal(cmd, policy)

    if src_kind == "docker-daemon":
        image = cloud.local_images.get(src)
        if image is None:
            return fatal(cmd, "initializing source docker-daemon:%s: loading image from docker engine: "
                              "Error response from daemon: reference does not exist" % src)
        signatures = []
    else:
        registry = model.split_ref(src)[0]
        if not logged_in(cmd, registry):
            return fatal(cmd, "initializing source docker://%s: reading manifest %s in %s: unauthorized: "
                              "authentication required" % (src, src.rsplit(":", 1)[1], src.rsplit(":", 1)[0]))
        image = cloud.image(src)
        if image is None:
            return fatal(cmd, "initializing source docker://%s: reading manifest %s in %s: manifest unknown"
                         % (src, src.rsplit(":", 1)[1], src.rsplit(":", 1)[0]))
        signatures = [s for s in cloud.signatures.get(image["digest"], []) if s["identity"] == src]
    denial = policy_denial(cmd, policy, src_kind, src, signatures)
    if denial:
        return fatal(cmd, "Source image rejected: %s" % denial)

    signer = None
    if opts.get("--sign-by"):
        if dst_kind != "docker":
            return fatal(cmd, "Cannot determine canonical Docker reference for destination dir:%s" % dst)
        signer = cli_gpg.secret_key(cmd, opts["--sign-by"])
        if signer is None:
            return fatal(cmd, "creating signature: signing image: signing: key %s: No secret key"
                         % opts["--sign-by"])
        given = signing_passphrase(cmd, opts)
        if given is None:
            return cmd
        if not cli_gpg.passphrase_ok(signer[1], given):
            return fatal(cmd, "creating signature: signing image: signing: Bad passphrase")
    if dst_kind == "docker" and not logged_in(cmd, model.split_ref(dst)[0]):
        return fatal(cmd, "trying to reuse blob sha256:%s at destination: checking whether a blob "
                          "sha256:%s exists in %s: unauthorized: authentication required"
                     % (image["digest"], image["digest"], dst.rsplit(":", 1)[0]))

    cmd.say("Getting image source signatures")
    cmd.say("Copying blob sha256:%s" % model.short_id("layer", image["digest"]))
    cmd.say("Copying config sha256:%s" % image["digest"])
    cmd.say("Writing manifest to image destination")
    if dst_kind == "dir":
        folder = cmd.path(dst)
        write_file(os.path.join(folder, "manifest.json"),
                   json.dumps({"schemaVersion": 2, "config": {"digest": "sha256:" + image["digest"]}}))
        write_file(os.path.join(folder, "version"), "Directory Transport Version: 1.1\n")
        for i, _ in enumerate(signatures if "--remove-signatures" not in opts else [], 1):
            write_file(os.path.join(folder, "signature-%d" % i), "stand-in signature\n")
        return cmd
    pushed = cloud.push(dst, image)
    kept = cloud.signatures.setdefault(pushed["digest"], [])
    if "--remove-signatures" not in opts and src_kind == "docker":
        for signature in signatures:
            copied = {"identity": dst, "fingerprint": signature["fingerprint"]}
            if copied not in kept:
                kept.append(copied)
    if signer is not None:
        cmd.say("Creating signature: Signing image using simple signing")
        made = {"identity": dst, "fingerprint": signer[0]}
        if made not in kept:
            kept.append(made)
        cmd.say("Storing signatures")
    return cmd


def signing_passphrase(cmd, opts):
    """The key's passphrase: from `--sign-passphrase-file` (read by the stand-in where the
    command runs, so `<(...)` works), else asked by gpg's agent on the terminal."""
    if "--sign-passphrase-file" in opts:
        given = cmd.files.get(opts["--sign-passphrase-file"])
        if given is None:
            fatal(cmd, "open %s: no such file or directory" % opts["--sign-passphrase-file"])
            return None
        return given.rstrip("\n")
    if cli_gpg.PINENTRY in cmd.env:
        return cmd.env[cli_gpg.PINENTRY]
    cmd.needs.append({"env": cli_gpg.PINENTRY, "prompt": "Passphrase: "})
    return None


def load_policy(cmd, opts):
    """The trust policy: `--insecure-policy` accepts anything; `--policy FILE`; else the
    user's `~/.config/containers/policy.json`, else the system's default, which the
    distributions' packages ship accepting anything."""
    if opts.get("--insecure-policy"):
        return {"default": [{"type": "insecureAcceptAnything"}]}
    path = opts.get("--policy")
    if path is None:
        user = os.path.join(cmd.home(), ".config", "containers", "policy.json")
        if not os.path.exists(user):
            return {"default": [{"type": "insecureAcceptAnything"}]}
        path = user
    path = cmd.path(path)
    try:
        policy = json.loads(read_file(path))
    except OSError:
        return "Error loading trust policy: open %s: no such file or directory" % path
    except ValueError as problem:
        return "Error loading trust policy: invalid policy in \"%s\": %s" % (path, problem)
    if not isinstance(policy, dict) or not isinstance(policy.get("default"), list):
        return 'Error loading trust policy: invalid policy in "%s": Policy.Default is missing' % path
    return policy


def requirements(policy, kind, ref):
    """The requirements of the most specific scope that matches `ref`, as containers-policy.json(5)
    orders them: the tag, the repository, the namespaces above it, the registry, then the
    transport's default `""`, then `default`."""
    scopes = (policy.get("transports") or {}).get(kind) or {}
    if kind == "docker":
        repository = ref.rsplit(":", 1)[0]
        candidates = [ref, repository]
        parts = repository.split("/")
        candidates += ["/".join(parts[:i]) for i in range(len(parts) - 1, 0, -1)]
        candidates += [c for c in scopes if c.startswith("*.") and fnmatch.fnmatchcase(parts[0], c)]
        for scope in candidates + [""]:
            if scope in scopes:
                return scopes[scope]
    elif "" in scopes:
        return scopes[""]
    return policy["default"]


def policy_denial(cmd, policy, kind, ref, signatures):
    for requirement in requirements(policy, kind, ref):
        kind_ = requirement.get("type")
        if kind_ == "insecureAcceptAnything":
            continue
        if kind_ == "reject":
            return "Running image %s:%s is rejected by policy." % (
                "docker://" if kind == "docker" else "docker-daemon:", ref)
        if kind_ != "signedBy":
            return "Unknown policy requirement type %s" % json.dumps(kind_)
        keys = []
        paths = requirement.get("keyPaths") or ([requirement["keyPath"]] if requirement.get("keyPath") else [])
        for path in paths:
            # containers/image opens the path as it is: a relative one from the working folder.
            full = cmd.path(path)
            try:
                keys += model.armored_fingerprints(read_file(full))
            except OSError:
                return "open %s: no such file or directory" % full
        denial = model.signed_by_denial(signatures, keys)
        if denial:
            return denial
    return None
