"""The state of the stand-in IBM Cloud account: registry, Vulnerability Advisor, Key Protect,
one Kubernetes Service cluster (with Portieris and Calico objects) and the image signatures,
plus the CLI session that `ibmcloud login` and `ibmcloud cr region-set` set up.

The REST handlers (`api.py`) and the stand-in CLIs (`cli_*.py`) read and change this one
object, under one lock, so a command's effect is what the next API call sees.
"""

import base64
import fnmatch
import hashlib
import json
import re
import threading
import time
import uuid

# Registry domain of each region, as `ibmcloud cr region-set` names them.
REGISTRIES = {
    "us-south": "us.icr.io",
    "eu-de": "de.icr.io",
    "eu-gb": "uk.icr.io",
    "jp-tok": "jp.icr.io",
    "jp-osa": "jp2.icr.io",
    "au-syd": "au.icr.io",
    "ca-tor": "ca.icr.io",
    "br-sao": "br.icr.io",
    "global": "icr.io",
}

# The fixed CVEs VA reports for a package held back at an old version, by (distribution,
# release, binary package). VA v4 reports a vulnerability only once the distribution has
# published its fix, and only for releases the vendor still supports (IBM docs: `va_index`,
# "Vulnerable packages"): Debian 10 and earlier get no entries, so their images show no issues.
ADVISORIES = {
    # Debian's changelog of libsodium 1.0.18-1+deb13u1 (trixie-security, 2026-01-01):
    # "Backport security fix for CVE-2025-69277: mishandled checks for whether an elliptic
    # curve point is valid". Trixie shipped 1.0.18-1. The notice's DSA number is unconfirmed
    # (the lab never reads it), hence the placeholder.
    ("debian", "13", "libsodium23"): [{
        "cve_id": "CVE-2025-69277",
        "summary": "libsodium mishandles checks for whether an elliptic curve point is valid",
        "notice_id": "DSA-XXXX-1",
        "notice": "libsodium security update",
        "vulnerable": ("1.0.18-1",),
        "fix_version": "1.0.18-1+deb13u1",
    }],
}

# Debian's codenames, for a `FROM debian:trixie` base.
DEBIAN_CODENAMES = {"stretch": "9", "buster": "10", "bullseye": "11", "bookworm": "12", "trixie": "13"}


def base_distribution(base):
    """The (distribution, release) of a `FROM` image such as `debian:13.2-slim`, or None."""
    name, _, tag = base.rpartition("/")[2].partition(":")
    release = re.match(r"[a-z]+|[0-9]+", tag or "latest").group(0)
    if name == "debian":
        return ("debian", DEBIAN_CODENAMES.get(release, release))
    return (name, release) if name in ("alpine", "ubuntu") else None


def vulnerabilities(content):
    """The issues VA finds in an image built from `content` ({"os", "packages"})."""
    found = []
    for package, installed in sorted(content.get("packages", {}).items()):
        os_ = content.get("os") or ("", "")
        for advisory in ADVISORIES.get((os_[0], os_[1], package), []):
            if installed in advisory["vulnerable"]:
                found.append(dict(
                    advisory,
                    package_name=package,
                    installed_version=installed,
                    corrective_action="Upgrade %s to at least %s" % (package, advisory["fix_version"]),
                ))
    return found


def image_size(content):
    """A plausible uncompressed size: a Debian base with packages is larger (display only)."""
    return 124_600_000 if content.get("os", ("",))[0] == "debian" else 72_800_000


DEPLOYABLE = ("OK", "WARN", "UNSUPPORTED")

PORTIERIS_WEBHOOK = "trust.hooks.securityenforcement.admission.cloud.ibm.com"

# The GlobalNetworkPolicies every IKS classic cluster starts with (IBM-APIS.md, "Calico"; and
# IKS docs, `containers-network_policies`: "A default `allow-all-private-default` policy is
# created so that all traffic is allowed to and from the private network interface", with
# order 100000 so that lower-order policies can restrict it).
DEFAULT_CALICO_POLICIES = [
    ("allow-all-outbound", 1900, "ibm.role in { 'worker_public', 'master_public' }"),
    ("allow-all-private-default", 100000, "ibm.role == 'worker_private'"),
    ("allow-bigfix-port", 1900, "ibm.role in { 'worker_public' }"),
    ("allow-icmp", 1500, "ibm.role in { 'worker_public', 'master_public' }"),
    ("allow-node-port-dnat", 1500, "ibm.role == 'worker_public'"),
    ("allow-sys-mgmt", 1950, "ibm.role in { 'worker_public', 'master_public' }"),
    ("allow-vrrp", 1500, "ibm.role == 'worker_public'"),
]


def now_iso(t=None):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t if t is not None else time.time()))


def short_id(*parts):
    return hashlib.sha256("/".join(parts).encode()).hexdigest()


class Config:
    """Knobs a test turns: how many status reads a slow cloud operation stays pending for."""

    def __init__(self):
        # Reads of an image's VA status that still see it unscanned after a push.
        self.scan_polls = 0
        # Reads of the cluster that see "Key management service feature enablement in
        # progress." after `kms enable`, before the master is Ready again.
        self.kms_polls = 2
        # Reads of the Portieris pods that see them ContainerCreating after enabling.
        self.portieris_polls = 0


class Cloud:
    def __init__(self, account="0123456789abcdef0123456789abcdef", api_key="test-api-key",
                 cluster="mycluster"):
        self.lock = threading.RLock()
        self.config = Config()
        self.account = account
        self.account_name = "Lab Account"
        self.user = "lab-user@example.com"
        self.api_key = api_key
        self.token = "eyJraWQiOiJzdHViIiwiYWxnIjoiUlMyNTYifQ.eyJpYW1faWQiOiJpa3Mtc3R1YiJ9." + short_id(
            "token", api_key
        )[:43]
        self.started = time.time()
        # CLI session (what ~/.bluemix would hold).
        self.logged_in = False
        self.region = None
        self.cr_region = None
        # Registry: namespace name -> details; image ref (REG/NS/REPO:TAG) -> image.
        self.namespaces = {}
        self.images = {}
        # The docker daemon's local images: ref -> {"content", "digest", "created"}, where
        # content is {"os": (distribution, release) or None, "packages": {name: version}}.
        self.local_images = {}
        # VA exemptions: dicts shaped like GET /va/api/v4/exemptions/account items.
        self.exemptions = []
        # Red Hat simple signatures the registry stores (its signatures extension API), by
        # manifest digest: [{"identity": REG/NS/REPO:TAG, "fingerprint": signing key}].
        self.signatures = {}
        # Deleted images, kept 30 days: {"digest", "namespace", "tags", "deleted"}.
        self.trash = []
        # Resource instances (Key Protect): guid -> instance.
        self.instances = {}
        self.cluster = Cluster(cluster, account)

    # --- identity -------------------------------------------------------------------------

    def token_valid(self, authorization):
        if not authorization:
            return False
        scheme, _, token = authorization.partition(" ")
        return scheme.lower() == "bearer" and token.strip() == self.token

    # --- registry -------------------------------------------------------------------------

    def registry(self):
        return REGISTRIES.get(self.cr_region or self.region or "us-south", "us.icr.io")

    def add_namespace(self, name):
        if name in self.namespaces:
            return False
        stamp = now_iso()
        self.namespaces[name] = {
            "account": self.account,
            "created_date": stamp,
            "crn": "crn:v1:bluemix:public:container-registry:%s:a/%s::namespace:%s"
            % (self.cr_region or "us-south", self.account, name),
            "name": name,
            "resource_group": "default-resource-group-id",
            "updated_date": stamp,
        }
        return True

    def image(self, ref):
        """The pushed image `ref` names (a tag defaults to `latest`), or None."""
        return self.images.get(normalize_ref(ref))

    def push(self, ref, local):
        ref = normalize_ref(ref)
        self.images[ref] = {
            "content": local["content"],
            "digest": local["digest"],
            "created": time.time(),
            "size": image_size(local["content"]),
            "pending_scans": self.config.scan_polls,
        }
        return self.images[ref]

    # --- Vulnerability Advisor ------------------------------------------------------------

    def scanned(self, ref, consume=True):
        """Whether VA has scanned `ref`; each unscanned read brings the scan closer."""
        image = self.image(ref)
        if image is None:
            return False
        if image["pending_scans"] > 0:
            if consume:
                image["pending_scans"] -= 1
            return False
        return True

    def issues(self, ref):
        """Every issue VA finds in the image, each with whether an exemption covers it."""
        image = self.image(ref)
        if image is None:
            return []
        return [dict(issue, exempt=self.exempted(ref, "cve", issue["cve_id"]))
                for issue in vulnerabilities(image["content"])]

    def exempted(self, ref, issue_type, issue_id):
        registry, namespace, repository, tag = split_ref(ref)
        for e in self.exemptions:
            if e["issue_type"] != issue_type or e["issue_id"] != issue_id:
                continue
            scope = e["scope"]
            kind = scope["scope_type"]
            if kind == "account":
                return True
            if scope.get("namespace") != namespace:
                continue
            if kind == "namespace":
                return True
            if scope.get("repository") != repository:
                continue
            if kind == "repository" or scope.get("tag") == tag:
                return True
        return False

    def va_status(self, ref, consume=True):
        """The v4 status body for `ref` (None when the image does not exist). Reads through
        VA (`consume`) bring a pending scan closer; the registry's image list only looks."""
        image = self.image(ref)
        if image is None:
            return None
        base = {
            "scan_time": int(image["created"]) + 30,
            "issue_count": 0,
            "exempt_issue_count": 0,
            "vulnerability_count": 0,
            "exempt_vulnerability_count": 0,
            "configuration_issue_count": 0,
            "exempt_configuration_issue_count": 0,
        }
        if not self.scanned(ref, consume):
            return dict(base, status="UNSCANNED", scan_time=0)
        issues = self.issues(ref)
        open_issues = [i for i in issues if not i["exempt"]]
        exempt = len(issues) - len(open_issues)
        status = "FAIL" if open_issues else ("WARN" if exempt else "OK")
        return dict(
            base,
            status=status,
            issue_count=len(open_issues),
            exempt_issue_count=exempt,
            vulnerability_count=len(open_issues),
            exempt_vulnerability_count=exempt,
        )

    def va_report(self, ref, consume=True):
        status = self.va_status(ref, consume)
        if status is None or status["status"] == "UNSCANNED":
            return status
        image = self.image(ref)
        vulnerabilities = []
        for issue in self.issues(ref):
            vulnerabilities.append({
                "cve_id": issue["cve_id"],
                "summary": issue["summary"],
                "cve_exempt": issue["exempt"],
                "exempt_status": "exempt" if issue["exempt"] else "active",
                "security_notices": [{
                    "notice_id": issue["notice_id"],
                    "notice": issue["notice"],
                    "notice_exempt": issue["exempt"],
                    "vulnerable_packages": [{
                        "package_name": issue["package_name"],
                        "installed_version": issue["installed_version"],
                        "fix_version": issue["fix_version"],
                        "corrective_action": issue["corrective_action"],
                    }],
                }],
            })
        distribution, release = image["content"].get("os") or ("", "")
        return {
            "id": "sha256:" + image["digest"],
            "status": status["status"],
            "scan_time": status["scan_time"],
            "os_distribution": {
                "distribution_id": distribution,
                "version_id": release,
            },
            "vulnerabilities": vulnerabilities,
            "configuration_issues": [],
        }

    def add_exemption(self, scope_text, issue_type, issue_id):
        """Adds an exemption for `scope_text` (`*`, a namespace, a repository or an image)."""
        scope = parse_scope(scope_text)
        exemption = {
            "account_id": self.account,
            "issue_type": issue_type,
            "issue_id": issue_id,
            "scope": scope,
        }
        for existing in self.exemptions:
            if (existing["issue_type"], existing["issue_id"], existing["scope"]) == (
                issue_type, issue_id, scope,
            ):
                return existing, False
        self.exemptions.append(exemption)
        return exemption, True

    def remove_exemption(self, scope_text, issue_type, issue_id):
        scope = parse_scope(scope_text)
        before = len(self.exemptions)
        self.exemptions = [
            e for e in self.exemptions
            if (e["issue_type"], e["issue_id"], e["scope"]) != (issue_type, issue_id, scope)
        ]
        return len(self.exemptions) < before

    # --- Key Protect ----------------------------------------------------------------------

    def instance_named(self, name):
        for instance in self.instances.values():
            if instance["name"] == name:
                return instance
        return None

    def create_instance(self, name, service, plan, location):
        guid = str(uuid.uuid5(uuid.NAMESPACE_URL, "instance/" + name))
        self.instances[guid] = {
            "guid": guid,
            "name": name,
            "service": service,
            "plan": plan,
            "location": location,
            "crn": "crn:v1:bluemix:public:%s:%s:a/%s:%s::" % (service, location, self.account, guid),
            "created_at": now_iso(),
            "keys": [],
        }
        return self.instances[guid]

    def create_key(self, instance, name, root=True):
        key_id = str(uuid.uuid5(uuid.NAMESPACE_URL, "key/%s/%s" % (instance["guid"], name)))
        key = {
            "id": key_id,
            "name": name,
            "type": "application/vnd.ibm.kms.key+json",
            "state": 1,
            "extractable": not root,
            "crn": "crn:v1:bluemix:public:kms:%s:a/%s:%s:key:%s"
            % (instance["location"], self.account, instance["guid"], key_id),
            "creationDate": now_iso(),
        }
        instance["keys"] = [k for k in instance["keys"] if k["name"] != name] + [key]
        return key

    def find_key(self, instance_id, key_id):
        instance = self.instances.get(instance_id)
        if instance is None:
            return None, None
        for key in instance["keys"]:
            if key["id"] == key_id:
                return instance, key
        return instance, None

    # --- Portieris admission --------------------------------------------------------------

    def admit(self, namespace, image):
        """None when Portieris lets a pod with `image` into `namespace`, else the denial."""
        kube = self.cluster.kube
        if not kube.portieris:
            return None
        ref = normalize_ref(image)
        policies = [p for p in kube.image_policies.values() if p["metadata"]["namespace"] == namespace]
        if not policies:
            policies = list(kube.cluster_image_policies.values())
        repositories = []
        for policy in policies:
            repositories.extend(policy.get("spec", {}).get("repositories") or [])
        matching = [r for r in repositories if fnmatch.fnmatchcase(ref, r.get("name", "")) or
                    fnmatch.fnmatchcase(ref.rsplit(":", 1)[0], r.get("name", ""))]
        if not matching:
            return "Deny %s, no image policies or cluster polices for %s" % (_quote(ref), ref)
        # The most specific pattern wins: the longest one without its wildcards.
        best = max(matching, key=lambda r: len(r.get("name", "").replace("*", "")))
        policy = best.get("policy") or {}
        requirements = (policy.get("simple") or {}).get("requirements") or []
        if requirements:
            problem = self.simple_problem(namespace, ref, requirements)
            if problem:
                return problem
        if (policy.get("trust") or {}).get("enabled"):
            # Portieris asks the registry's notary server, which Container Registry shut down
            # on 2021-11-01 (IBM-APIS.md): nothing answers at port 4443.
            registry = split_ref(ref)[0]
            return ('trust: Deny %s, failed to get content trust information: Get "https://%s:4443/v2/'
                    '%s/_trust/tuf/root.json": dial tcp %s:4443: connect: connection refused'
                    % (_quote(ref), registry, ref.rsplit(":", 1)[0].split("/", 1)[1], registry))
        va = ((policy.get("vulnerability") or {}).get("ICCRVA") or {})
        if va.get("enabled"):
            # Portieris' VA check calls VA v3, retired on 2023-11-13 (IBM-APIS.md): every image
            # is denied.
            return ("Deny %s, the Vulnerability Advisor image scan assessment failed: GET "
                    "https://%s/va/api/v3/report/image/status/%s: 404 Not Found"
                    % (_quote(ref), split_ref(ref)[0], ref))
        return None

    def simple_problem(self, namespace, ref, requirements):
        """Why Portieris' `simple` policy (Red Hat simple signing, through containers/image)
        refuses `ref`, or None: every `signedBy` requirement needs a signature for the tag,
        made by a key of its `keySecret` (the key `key` of a secret in the pod's namespace)."""
        image = self.image(ref)
        if image is None:
            return "simple: Deny %s, no valid ImagePullSecret, 0 tried" % _quote(ref)
        signatures = [s for s in self.signatures.get(image["digest"], []) if s["identity"] == ref]
        for requirement in requirements:
            kind = requirement.get("type")
            if kind == "insecureAcceptAnything":
                continue
            if kind == "reject":
                return "simple: policy denied the request: Running image docker://%s is rejected by policy." % ref
            if kind != "signedBy":
                return "simple: unknown requirement type %s" % _quote(kind or "")
            name = requirement.get("keySecret") or ""
            secret = self.cluster.kube.secrets.get("%s/%s" % (namespace, name))
            if secret is None:
                return 'simple: secrets "%s" not found' % name
            keys = armored_fingerprints(secret.get("key", ""))
            denial = signed_by_denial(signatures, keys, openpgp=True)
            if denial:
                return "simple: policy denied the request: " + denial
        return None


class Cluster:
    def __init__(self, name, account):
        self.name = name
        self.id = "c" + short_id("cluster", name)[:19]
        self.account = account
        self.key_protect = None  # {"instance_id", "crk_id", "private_endpoint"}
        self.kms_pending = 0
        self.created = now_iso()
        self.workers = ["10.176.48.10", "10.176.48.11"]
        # The workers' public IPs, in the same order (`ibmcloud ks worker ls`).
        self.public_ips = ["169.48.%d.%d" % (10 + i, 20 + i) for i in range(len(self.workers))]
        self.kube = Kube(self)

    def master_status(self, consume=True):
        if self.kms_pending > 0:
            if consume:
                self.kms_pending -= 1
            return "Key management service feature enablement in progress."
        return "Ready"

    def describe_v2(self, consume=True):
        """The cluster as GET /global/v2/getCluster shows it: features and the master's
        lifecycle nested (bluemix-go's containerv2 ClusterInfo)."""
        flat = self.describe(consume)
        nested = {key: value for key, value in flat.items()
                  if key not in ("masterStatus", "masterState", "masterHealth", "keyProtectEnabled")}
        nested["lifecycle"] = {
            "masterStatus": flat["masterStatus"],
            "masterState": flat["masterState"],
            "masterHealth": flat["masterHealth"],
            "masterStatusModifiedDate": self.created,
            "modifiedDate": self.created,
        }
        return nested

    def describe(self, consume=True):
        """The cluster in v1's flat shape: `getCluster?v1-compatible`, and `ibmcloud ks
        cluster get --output json` for a classic cluster."""
        status = self.master_status(consume)
        enabled = self.key_protect is not None
        return {
            "id": self.id,
            "name": self.name,
            "region": "us-south",
            "resourceGroup": "default-resource-group-id",
            "resourceGroupName": "Default",
            "location": "dal10",
            "dataCenter": "dal10",
            "multiAzCapable": True,
            "provider": "classic",
            "state": "normal",
            "status": "All Workers Normal",
            "createdDate": self.created,
            "masterKubeVersion": "1.30.4_1531",
            "targetVersion": "1.30.4_1531",
            "workerCount": len(self.workers),
            "masterStatus": status,
            "masterState": "deployed",
            "masterHealth": "normal" if status == "Ready" else "warning",
            "keyProtectEnabled": enabled,
            "features": {"keyProtectEnabled": enabled, "pullSecretApplied": True},
            "serviceEndpoints": {
                "privateServiceEndpointEnabled": True,
                "publicServiceEndpointEnabled": True,
            },
            "masterURL": "https://c100.us-south.containers.cloud.ibm.com:30426",
        }


class Kube:
    """What `kubectl` and `calicoctl` see of the cluster."""

    def __init__(self, cluster):
        self.cluster = cluster
        self.portieris = False
        self.portieris_pending = 0
        self.image_policies = {}  # "ns/name" -> object
        self.cluster_image_policies = {}  # name -> object
        self.pods = {}  # "ns/name" -> {"image", "created", "labels"}
        self.secrets = {}  # "ns/name" -> {data key: text}
        self.services = {}  # "ns/name" -> Service object
        self.namespaces = {"default", "kube-system", "ibm-system"}
        self.network_policies = {}  # GlobalNetworkPolicy name -> object
        for name, order, selector in DEFAULT_CALICO_POLICIES:
            self.network_policies[name] = calico_default(name, order, selector)

    def node_port_answers(self, port):
        """What a request to `port` on a worker's public IP meets: `None` when a NodePort service
        with a pod behind it answers, "refused" when no service has the port, "dropped" when a
        pre-DNAT GlobalNetworkPolicy on the public interfaces denies it. Pre-DNAT policies are
        evaluated in their own stage, before DNAT and every other policy, lowest order first;
        a port no pre-DNAT rule decides goes on to IKS's `allow-node-port-dnat`."""
        service = None
        for candidate in self.services.values():
            if any(p.get("nodePort") == port for p in candidate["spec"].get("ports") or []):
                service = candidate
        if service is None:
            return "refused"
        pre_dnat = sorted(
            (p for p in self.network_policies.values()
             if (p.get("spec") or {}).get("preDNAT") and "worker_public" in (p["spec"].get("selector") or "")),
            key=lambda p: p["spec"].get("order", 0))
        for policy in pre_dnat:
            for rule in policy["spec"].get("ingress") or []:
                if rule.get("protocol", "TCP") != "TCP":
                    continue
                if port_matches((rule.get("destination") or {}).get("ports"), port):
                    if rule.get("action") == "Deny":
                        return "dropped"
                    if rule.get("action") == "Allow":
                        return None if self.backs(service) else "refused"
        return None if self.backs(service) else "refused"

    def backs(self, service):
        """Whether a pod of the service's namespace has every label its selector asks for."""
        selector = (service.get("spec") or {}).get("selector") or {}
        namespace = service["metadata"]["namespace"]
        return any(key.startswith(namespace + "/") and
                   all((pod.get("labels") or {}).get(k) == v for k, v in selector.items())
                   for key, pod in self.pods.items())

    def disable_portieris(self):
        """`image-security disable` removes Portieris, its CRDs and with them every image
        policy, IBM's defaults and the learner's alike (IBM-APIS.md, "Cleanup")."""
        self.portieris = False
        self.image_policies.clear()
        self.cluster_image_policies.clear()

    def enable_portieris(self, pending):
        if self.portieris:
            return False
        self.portieris = True
        self.portieris_pending = pending
        # IKS docs, topic containers-images#portieris-default-policies: ImagePolicies named
        # `ibm-signed-image-enforcement` keep IBM's namespaces to IBM's images, and the
        # ClusterImagePolicy `default` admits what no other policy restricts.
        for namespace in ("kube-system", "ibm-system"):
            self.image_policies["%s/ibm-signed-image-enforcement" % namespace] = {
                "apiVersion": "portieris.cloud.ibm.com/v1",
                "kind": "ImagePolicy",
                "metadata": {"name": "ibm-signed-image-enforcement", "namespace": namespace},
                "spec": {"repositories": [
                    {"name": "*.icr.io/armada/*"},
                    {"name": "*.icr.io/armada-master/*"},
                    {"name": "icr.io/armada/*"},
                    {"name": "icr.io/ext/*"},
                ]},
            }
        self.cluster_image_policies["default"] = {
            "apiVersion": "portieris.cloud.ibm.com/v1",
            "kind": "ClusterImagePolicy",
            "metadata": {"name": "default"},
            "spec": {"repositories": [{"name": "*"}]},
        }
        return True

    def default_policies_ready(self):
        """Whether the managed add-on has made its default ClusterImagePolicies: a few reads
        after `enable` (`--portieris-polls`); each read of them brings that closer."""
        if self.portieris_pending > 0:
            self.portieris_pending -= 1
            return False
        return True


def armored_fingerprints(text):
    """The key fingerprints in an armored key block the stand-in gpg exported, or []."""
    lines = [line for line in text.splitlines() if line and not line.startswith(("-----", "="))]
    try:
        return json.loads(base64.b64decode("".join(lines)))["fingerprints"]
    except (ValueError, KeyError, TypeError):
        return []


def signed_by_denial(signatures, keys, openpgp=False):
    """containers/image's `signedBy` verdict on the signatures of an image (its messages, from
    signature/policy_eval_signedby.go), or None when one is by a trusted key. A signature by a
    key not trusted reads as GPGME says it (mechanism_gpgme.go: skopeo as distributions build
    it), or, with `openpgp`, as the Go OpenPGP mechanism does (mechanism_openpgp.go: Portieris
    builds with the `containers_image_openpgp` tag, its Makefile)."""
    if not keys:
        return "No public keys imported"
    rejections = []
    for signature in signatures:
        if signature["fingerprint"] in keys:
            return None
        key_id = signature["fingerprint"][-16:]
        rejections.append(
            "Key not found for key ID %x in signature" % int(key_id, 16) if openpgp else
            "Invalid GPG signature: &gpgme.Signature{Summary:128, Fingerprint:%s, "
            "Status:(*errors.errorString)(0xc0001c4e30), Validity:0}" % _quote(key_id))
    if not rejections:
        return "A signature was required, but no signature exists"
    if len(rejections) == 1:
        return rejections[0]
    return "None of the signatures were accepted, reasons: " + "; ".join(rejections)


def port_matches(ports, port):
    """Whether `port` is in a Calico rule's `ports` (numbers and "FROM:TO" ranges); a rule
    with no ports matches every port."""
    if not ports:
        return True
    for entry in ports:
        if isinstance(entry, int) and entry == port:
            return True
        if isinstance(entry, str) and ":" in entry:
            low, _, high = entry.partition(":")
            if low.isdigit() and high.isdigit() and int(low) <= port <= int(high):
                return True
        if isinstance(entry, str) and entry.isdigit() and int(entry) == port:
            return True
    return False


def calico_default(name, order, selector):
    rules = {
        "allow-all-outbound": {"egress": [{"action": "Allow", "destination": {}, "source": {}}],
                               "types": ["Egress"]},
        "allow-all-private-default": {
            "ingress": [{"action": "Allow", "destination": {}, "source": {}}],
            "egress": [{"action": "Allow", "destination": {}, "source": {}}],
            "types": ["Ingress", "Egress"]},
        "allow-bigfix-port": {"ingress": [{"action": "Allow", "protocol": "TCP",
                                           "destination": {"ports": [52311]}, "source": {}}],
                              "types": ["Ingress"]},
        "allow-icmp": {"ingress": [{"action": "Allow", "protocol": "ICMP", "destination": {},
                                    "source": {}}], "types": ["Ingress"]},
        "allow-node-port-dnat": {"ingress": [{"action": "Allow", "destination": {
            "nets": ["172.30.0.0/16"]}, "source": {}}], "types": ["Ingress"]},
        "allow-sys-mgmt": {"ingress": [{"action": "Allow", "destination": {}, "source": {
            "selector": "ibm.role == 'master_public'"}}], "types": ["Ingress"]},
        "allow-vrrp": {"ingress": [{"action": "Allow", "protocol": 112, "destination": {},
                                    "source": {}}], "types": ["Ingress"]},
    }[name]
    spec = {"order": order, "selector": selector}
    spec.update(rules)
    return {
        "apiVersion": "projectcalico.org/v3",
        "kind": "GlobalNetworkPolicy",
        "metadata": {"name": name, "creationTimestamp": "2024-01-01T00:00:00Z"},
        "spec": spec,
    }


def normalize_ref(ref):
    """`REG/NS/REPO:TAG`, with `latest` when no tag is given."""
    ref = ref.strip()
    if "@" in ref:
        return ref
    last = ref.rsplit("/", 1)[-1]
    return ref if ":" in last else ref + ":latest"


def split_ref(ref):
    """(registry, namespace, repository, tag) of `REG/NS/REPO[:TAG]`; missing parts are None."""
    ref = normalize_ref(ref)
    path, _, tag = ref.rpartition(":")
    parts = path.split("/")
    registry = parts[0] if len(parts) >= 3 else None
    rest = parts[1:] if registry else parts
    namespace = rest[0] if rest else None
    repository = "/".join(rest[1:]) or None
    return registry, namespace, repository, tag


def parse_scope(text):
    """An exemption scope: `*` is the account; else NS, NS/REPO or NS/REPO:TAG, with or
    without the registry in front."""
    text = text.strip()
    if text in ("*", ""):
        return {"scope_type": "account"}
    parts = text.split("/")
    if len(parts) >= 2 and "." in parts[0]:
        parts = parts[1:]
    namespace = parts[0]
    if len(parts) == 1:
        return {"scope_type": "namespace", "namespace": namespace}
    repo_tag = "/".join(parts[1:])
    if ":" in repo_tag:
        repository, tag = repo_tag.rsplit(":", 1)
        return {"scope_type": "image", "namespace": namespace, "repository": repository, "tag": tag}
    return {"scope_type": "repository", "namespace": namespace, "repository": repo_tag}


def scope_text(scope, registry):
    kind = scope["scope_type"]
    if kind == "account":
        return "*"
    text = "%s/%s" % (registry, scope["namespace"])
    if kind in ("repository", "image"):
        text += "/" + scope["repository"]
    if kind == "image":
        text += ":" + scope["tag"]
    return text


def _quote(text):
    return '"%s"' % text
