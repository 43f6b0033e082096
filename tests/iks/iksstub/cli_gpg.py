"""`gpg`: the GnuPG commands the signing part of the lab uses, with a keyring under
`$GNUPGHOME` (or `~/.gnupg`) as gpg keeps one.

The output follows GnuPG 2.2/2.4 (`gpg --quick-generate-key`, `--list-keys --with-colons` as
`doc/DETAILS` describes the colon format, `--armor --export`). The keyring is the stand-in's
own JSON file, and an exported key block holds the fingerprints it stands for, base64-encoded,
so that the stand-in skopeo and Portieris can tell which keys a file or a secret carries. A
passphrase is kept only as its SHA-256, to tell a right one from a wrong one.

A passphrase comes from `--passphrase` (with `--pinentry-mode loopback`, or `--batch`), or is
asked on the terminal, as gpg's pinentry does. A new key's passphrase is asked twice, and asked
again from the start when the two differ, as gpg-agent does (GnuPG `agent/genkey.c`: "Please
re-enter this passphrase", then "does not match - try again").
"""

import base64
import hashlib
import json
import os
import time

from .cli import Usage, parse, read_file, write_file

# Asked through the stand-in's `needs`, as gpg's pinentry asks on the terminal.
PINENTRY = "IKS_STANDIN_PINENTRY"
# The second asking of a new key's passphrase.
PINENTRY_REPEAT = "IKS_STANDIN_PINENTRY_REPEAT"
NEW_KEY = "Please enter the passphrase to protect your new key: "


def run(cloud, cmd):
    try:
        positionals, opts = parse(cmd.args, with_value=(
            "--passphrase", "--passphrase-fd", "--pinentry-mode", "--homedir", "-o", "--output", "--default-key"),
            aliases={"-a": "--armor", "--armour": "--armor", "-k": "--list-keys",
                     "-K": "--list-secret-keys", "--output": "-o", "--quick-gen-key": "--quick-generate-key"})
    except Usage as problem:
        return cmd.fail("gpg: %s" % problem, 2)
    actions = {"--quick-generate-key": generate, "--list-keys": list_keys,
               "--list-secret-keys": list_keys, "--export": export,
               "--export-secret-keys": export, "--delete-secret-and-public-key": delete,
               "--version": version}
    chosen = [name for name in actions if name in opts]
    if len(chosen) != 1:
        if "--generate-key" in opts or "--gen-key" in opts or "--full-generate-key" in opts:
            return cmd.fail("gpg (stand-in): use `gpg --quick-generate-key USER-ID`, which takes "
                            "the user ID on the command line", 2)
        return cmd.fail("gpg: conflicting commands" if chosen else "gpg: Go ahead and type your message ...", 2)
    return actions[chosen[0]](cloud, cmd, positionals, opts, chosen[0])


def version(cloud, cmd, positionals, opts, action):
    cmd.say("gpg (GnuPG) 2.2.40 (stand-in)")
    return cmd


def home(cmd, opts):
    return cmd.path(opts.get("--homedir") or cmd.env.get("GNUPGHOME") or os.path.join(cmd.home(), ".gnupg"))


def keyring_path(cmd, opts):
    return os.path.join(home(cmd, opts), "stand-in-keyring.json")


def load(cmd, opts):
    try:
        return json.loads(read_file(keyring_path(cmd, opts)))
    except (OSError, ValueError):
        return {}


def save(cmd, opts, keyring):
    write_file(keyring_path(cmd, opts), json.dumps(keyring, indent=1), mode=0o600)


def matches(key, fingerprint, spec):
    """gpg's user-ID search: a fingerprint, a key ID (its end), or a part of the user ID."""
    spec = spec.strip()
    if spec.startswith("0x"):
        spec = spec[2:]
    upper = spec.upper()
    return (fingerprint == upper or (len(spec) >= 8 and fingerprint.endswith(upper))
            or spec.lower().strip("<>") in key["uid"].lower())


def find(keyring, specs):
    return [(f, k) for f, k in sorted(keyring.items()) if any(matches(k, f, s) for s in specs)]


def passphrase(cmd, opts, prompt):
    """The passphrase given on the command line or at the stand-in's prompt, or None after
    asking the stand-in to prompt (the command is then sent again)."""
    if "--passphrase" in opts:
        return opts["--passphrase"]
    if opts.get("--passphrase-fd") == "0":
        return cmd.stdin.split("\n", 1)[0]
    if PINENTRY in cmd.env:
        return cmd.env[PINENTRY]
    if "--batch" in opts:
        return None
    cmd.needs.append({"env": PINENTRY, "prompt": prompt})
    return None


def new_passphrase(cmd, opts):
    """A new key's passphrase: given on the command line, or asked twice on the terminal until
    both answers agree; None while it is being asked."""
    if "--passphrase" in opts or opts.get("--passphrase-fd") == "0" or "--batch" in opts:
        return passphrase(cmd, opts, NEW_KEY)
    first, again = cmd.env.get(PINENTRY), cmd.env.get(PINENTRY_REPEAT)
    if first is not None and first == again:
        return first
    prompt = NEW_KEY if first is None else "does not match - try again\n" + NEW_KEY
    cmd.needs.append({"env": PINENTRY, "prompt": prompt})
    cmd.needs.append({"env": PINENTRY_REPEAT, "prompt": "Please re-enter this passphrase: "})
    return None


def digest(text):
    return hashlib.sha256(text.encode()).hexdigest()


def generate(cloud, cmd, positionals, opts, action):
    if not positionals:
        return cmd.fail("usage: gpg [options] --quick-generate-key USER-ID [ALGO [USAGE [EXPIRE]]]", 2)
    uid = positionals[0]
    keyring = load(cmd, opts)
    if any(k["uid"] == uid for k in keyring.values()) and "--yes" not in opts:
        return cmd.fail("gpg: A key for \"%s\" already exists\ngpg: Key generation failed: Already exists" % uid, 2)
    secret = new_passphrase(cmd, opts)
    if secret is None:
        if cmd.needs:
            return cmd
        return cmd.fail("gpg: agent_genkey failed: No passphrase given\ngpg: key generation failed: "
                        "No passphrase given", 2)
    created = int(time.time())
    fingerprint = hashlib.sha1(("%s/%s/%s" % (uid, created, len(keyring))).encode()).hexdigest().upper()
    keyring[fingerprint] = {"uid": uid, "created": created, "passphrase": digest(secret)}
    save(cmd, opts, keyring)
    revocs = os.path.join(home(cmd, opts), "openpgp-revocs.d")
    cmd.warn("gpg: key %s marked as ultimately trusted" % fingerprint[-16:])
    cmd.warn("gpg: revocation certificate stored as '%s/%s.rev'" % (revocs, fingerprint))
    cmd.say("public and secret key created and signed.")
    cmd.say("")
    day = time.strftime("%Y-%m-%d", time.gmtime(created))
    cmd.say("pub   ed25519 %s [SC]" % day)
    cmd.say("      %s" % fingerprint)
    cmd.say("uid                      %s" % uid)
    cmd.say("sub   cv25519 %s [E]" % day)
    return cmd


def list_keys(cloud, cmd, positionals, opts, action):
    keyring = load(cmd, opts)
    found = find(keyring, positionals) if positionals else sorted(keyring.items())
    if not found:
        if positionals:
            kind = "No secret key" if action == "--list-secret-keys" else "No public key"
            return cmd.fail("gpg: error reading key: %s" % kind, 2)
        return cmd
    secret = action == "--list-secret-keys"
    for fingerprint, key in found:
        day = time.strftime("%Y-%m-%d", time.gmtime(key["created"]))
        if "--with-colons" in opts:
            # doc/DETAILS: record type, validity, length, algorithm (22 = EdDSA), key ID,
            # creation time, ..., capabilities.
            cmd.say("%s:u:255:22:%s:%d:::u:::scESC:::%s:::ed25519:::0:"
                    % ("sec" if secret else "pub", fingerprint[-16:], key["created"], "+" if secret else ""))
            cmd.say("fpr:::::::::%s:" % fingerprint)
            cmd.say("uid:u::::%d::%s::%s::::::::::0:" % (key["created"], digest(key["uid"])[:40].upper(), key["uid"]))
        else:
            cmd.say("%s   ed25519 %s [SC]" % ("sec" if secret else "pub", day))
            cmd.say("      %s" % fingerprint)
            cmd.say("uid           [ultimate] %s" % key["uid"])
            cmd.say("%s   cv25519 %s [E]" % ("ssb" if secret else "sub", day))
            cmd.say("")
    return cmd


def armored(kind, fingerprints):
    body = base64.b64encode(json.dumps({"fingerprints": fingerprints}).encode()).decode()
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    checksum = base64.b64encode(hashlib.sha256(body.encode()).digest()[:3]).decode()
    return "-----BEGIN PGP %s KEY BLOCK-----\n\n%s\n=%s\n-----END PGP %s KEY BLOCK-----\n" % (
        kind, "\n".join(lines), checksum, kind)


def export(cloud, cmd, positionals, opts, action):
    keyring = load(cmd, opts)
    found = find(keyring, positionals) if positionals else sorted(keyring.items())
    if not found:
        cmd.warn("gpg: WARNING: nothing exported")
        return cmd
    secret = action == "--export-secret-keys"
    if secret:
        for fingerprint, key in found:
            given = passphrase(cmd, opts, "Please enter the passphrase to export the OpenPGP secret key:\n"
                                          "\"%s\"\n" % key["uid"])
            if given is None:
                if cmd.needs:
                    return cmd
                return cmd.fail("gpg: key export failed: No passphrase given", 2)
            if digest(given) != key["passphrase"]:
                return cmd.fail("gpg: key %s: error receiving key from agent: Bad passphrase - skipped\n"
                                "gpg: WARNING: nothing exported" % fingerprint[-16:], 2)
    if "--armor" not in opts:
        return cmd.fail("gpg (stand-in): add --armor: the stand-in writes key blocks as text", 2)
    text = armored("PRIVATE" if secret else "PUBLIC", [f for f, _ in found])
    if "-o" in opts:
        write_file(cmd.path(opts["-o"]), text, mode=0o600 if secret else None)
    else:
        cmd.out.append(text)
    return cmd


def delete(cloud, cmd, positionals, opts, action):
    keyring = load(cmd, opts)
    found = find(keyring, positionals)
    if not found:
        return cmd.fail("gpg: key \"%s\" not found: Not found" % " ".join(positionals), 2)
    if "--batch" not in opts or "--yes" not in opts:
        return cmd.fail("gpg: can't do this in batch mode without \"--yes\"", 2)
    for fingerprint, _ in found:
        del keyring[fingerprint]
    save(cmd, opts, keyring)
    return cmd


def secret_key(cmd, spec):
    """The (fingerprint, key) a `--sign-by` names in the user's keyring, or None."""
    found = find(load(cmd, {}), [spec])
    return found[0] if found else None


def passphrase_ok(key, given):
    return key["passphrase"] == digest(given)
