"""The REST endpoints of the stand-in cloud, with the paths and response shapes of
IBM-APIS.md: IAM, Container Registry, Vulnerability Advisor v4, Key Protect and the Kubernetes
Service v2 API. They all answer on one port; tests point every base URL at it.

Every endpoint but IAM's wants `Authorization: Bearer TOKEN` with the token IAM issued for
the stub's API key (401 otherwise). Registry and VA calls also need the `Account` header
(400 when missing, 401 for another account); Key Protect needs `bluemix-instance` (400 when
missing), as the real services do. The Kubernetes Service API needs only the token.
"""

import json
import re
import time
import urllib.parse

from . import cloud as model


class Reply:
    def __init__(self, status, body=None, headers=None):
        self.status = status
        self.body = body
        self.headers = headers or {}


def error(status, code, message):
    return Reply(status, {"code": code, "message": message, "errors": [{"code": code, "message": message}]})


def handle(cloud, method, raw_path, headers, body):
    """The reply to one request; `headers` is a case-insensitive mapping."""
    parsed = urllib.parse.urlsplit(raw_path)
    path = parsed.path
    query = dict(urllib.parse.parse_qsl(parsed.query, keep_blank_values=True))
    with cloud.lock:
        if path == "/identity/token":
            return iam_token(cloud, method, headers, body)
        for prefix, handler, needs_account in (
            ("/api/v1/", registry, True),
            ("/va/api/v4/", vulnerability_advisor, True),
            ("/api/v2/", key_protect, False),
            ("/global/v2/", containers, False),
        ):
            if path.startswith(prefix):
                if not cloud.token_valid(headers.get("Authorization")):
                    return error(401, "BXNIM0308E", "The Bearer token is missing, expired or not valid.")
                if needs_account:
                    account = headers.get("Account")
                    if not account:
                        return error(400, "CRG0019E", "The 'Account' header is required.")
                    if account != cloud.account:
                        return error(401, "CRG0001E", "You are not authorized to access account '%s'." % account)
                return handler(cloud, method, path[len(prefix):], query, headers, body)
    return error(404, "NOT_FOUND", "No such endpoint: %s %s" % (method, path))


# --- IAM ----------------------------------------------------------------------------------

def peeking(headers):
    """A test's read that must not bring a pending operation closer (`X-Stub-Peek: 1`): the
    walk's second opinion from real hurl reads the same state as labrun's check did."""
    return headers.get("X-Stub-Peek") == "1"


def iam_token(cloud, method, headers, body):
    if method != "POST":
        return error(405, "BXNIM0101E", "Use POST.")
    form = dict(urllib.parse.parse_qsl(body.decode("utf-8", "replace")))
    if form.get("grant_type") != "urn:ibm:params:oauth:grant-type:apikey":
        return Reply(400, {"errorCode": "BXNIM0109E", "errorMessage": "Property missing or empty.",
                           "context": {"requestType": "incoming.Identity_Token"}})
    if form.get("apikey") != cloud.api_key:
        return Reply(400, {"errorCode": "BXNIM0415E", "errorMessage": "Provided API key could not be found.",
                           "context": {"requestType": "incoming.Identity_Token"}})
    now = int(time.time())
    return Reply(200, {
        "access_token": cloud.token,
        "refresh_token": "SPrXw5tBE3" + cloud.token[-20:],
        "token_type": "Bearer",
        "expires_in": 3600,
        "expiration": now + 3600,
        "scope": "ibm openid",
    })


# --- Container Registry -------------------------------------------------------------------

def registry(cloud, method, path, query, headers, body):
    if path == "namespaces" and method == "GET":
        return Reply(200, sorted(cloud.namespaces))
    if path == "namespaces/details" and method == "GET":
        return Reply(200, [cloud.namespaces[n] for n in sorted(cloud.namespaces)])
    m = re.match(r"^namespaces/([^/]+)$", path)
    if m:
        name = urllib.parse.unquote(m.group(1))
        if method == "PUT":
            created = cloud.add_namespace(name)
            return Reply(201 if created else 200, {"namespace": name})
        if method == "DELETE":
            if cloud.namespaces.pop(name, None) is None:
                return error(404, "CRG0013E", "The namespace '%s' was not found." % name)
            return Reply(204)
    if path == "images" and method == "GET":
        return Reply(200, image_list(cloud, query.get("namespace"), query.get("repository")))
    if path == "quotas" and method == "GET":
        return Reply(200, {"limits": {"storage_bytes": 536870912, "traffic_bytes": 5368709120},
                           "usage": {"storage_bytes": sum(i["size"] for i in cloud.images.values()),
                                     "traffic_bytes": 0}})
    if path == "plans" and method == "GET":
        return Reply(200, {"plan": "Lite"})
    return error(404, "CRG0404E", "No such registry endpoint: %s %s" % (method, path))


def image_list(cloud, namespace=None, repository=None):
    """GET /api/v1/images: one entry per digest, with every tag of it."""
    by_digest = {}
    for ref in sorted(cloud.images):
        registry, ns, repo, tag = model.split_ref(ref)
        if namespace and ns != namespace:
            continue
        if repository and "%s/%s" % (ns, repo) != repository and repo != repository:
            continue
        image = cloud.images[ref]
        key = (registry, ns, repo, image["digest"])
        entry = by_digest.get(key)
        if entry is None:
            status = cloud.va_status(ref, consume=False)
            issues = status["issue_count"] if status else 0
            exempt = status["exempt_issue_count"] if status else 0
            entry = by_digest[key] = {
                "Id": "sha256:" + image["digest"],
                "ParentId": "",
                "DigestTags": {"sha256:" + image["digest"]: []},
                "RepoTags": [],
                "RepoDigests": ["%s/%s/%s@sha256:%s" % (registry, ns, repo, image["digest"])],
                "Created": int(image["created"]),
                "Size": image["size"],
                "ManifestType": "application/vnd.docker.distribution.manifest.v2+json",
                "IssueCount": issues,
                "VulnerabilityCount": issues,
                "ConfigurationIssueCount": 0,
                "ExemptIssueCount": exempt,
                "Vulnerable": "Vulnerable" if issues else "OK",
            }
        entry["RepoTags"].append(ref)
        entry["DigestTags"]["sha256:" + image["digest"]].append(tag)
    return list(by_digest.values())


# --- Vulnerability Advisor v4 ---------------------------------------------------------------

def vulnerability_advisor(cloud, method, path, query, headers, body):
    # Image names come path-escaped (the SDKs) or with raw slashes (Portieris): take both.
    m = re.match(r"^report/image/status/(.+)$", path)
    if m and method == "GET":
        status = cloud.va_status(urllib.parse.unquote(m.group(1)), consume=not peeking(headers))
        if status is None:
            return error(404, "BXNVA0404E", "The image was not found in the registry.")
        return Reply(200, status)
    m = re.match(r"^report/image/(.+)$", path)
    if m and method == "GET":
        report = cloud.va_report(urllib.parse.unquote(m.group(1)), consume=not peeking(headers))
        if report is None:
            return error(404, "BXNVA0404E", "The image was not found in the registry.")
        if report.get("status") == "UNSCANNED":
            return error(404, "BXNVA0009E", "The image has not been scanned. Try again later.")
        return Reply(200, report)
    if path == "exemptions/account" and method == "GET":
        return Reply(200, list(cloud.exemptions))
    if path == "exempt/types" and method == "GET":
        return Reply(200, [
            {"identifier": "cve", "translationKey": "cve", "display_name": "CVE",
             "validation_regex": "^CVE-[0-9]{4}-[0-9]{4,}$"},
            {"identifier": "sn", "translationKey": "sn", "display_name": "Security notice",
             "validation_regex": "^[A-Z]+-[0-9]+(-[0-9]+)?$"},
            {"identifier": "configuration", "translationKey": "configuration",
             "display_name": "Configuration issue", "validation_regex": "^[a-z_]+$"},
        ])
    if path == "exemptions/deleteAll" and method == "POST":
        count = len(cloud.exemptions)
        cloud.exemptions = []
        return Reply(200, {"number_of_exemptions_deleted": count})
    m = re.match(r"^exempt/image/(?:(.+)/)?issue/(cve|sn|configuration)/([^/]+)$", path)
    if m and method in ("POST", "DELETE"):
        resource = urllib.parse.unquote(m.group(1) or "*")
        issue_type, issue_id = m.group(2), urllib.parse.unquote(m.group(3))
        if method == "POST":
            exemption, created = cloud.add_exemption(resource, issue_type, issue_id)
            return Reply(201 if created else 200, exemption)
        if cloud.remove_exemption(resource, issue_type, issue_id):
            return Reply(204)
        return error(404, "BXNVA0043E", "The exemption was not found.")
    return error(404, "BXNVA0404E", "No such Vulnerability Advisor endpoint: %s %s" % (method, path))


# --- Key Protect ------------------------------------------------------------------------------

def key_protect(cloud, method, path, query, headers, body):
    instance_id = headers.get("bluemix-instance")
    if not instance_id:
        return Reply(400, {"metadata": {"collectionType": "application/vnd.ibm.kms.error+json",
                                        "collectionTotal": 1},
                           "resources": [{"errorMsg": "Bad Request: Missing bluemix-instance header"}]})
    instance = cloud.instances.get(instance_id)
    if instance is None:
        return Reply(401, {"metadata": {"collectionType": "application/vnd.ibm.kms.error+json",
                                        "collectionTotal": 1},
                           "resources": [{"errorMsg": "Unauthorized: The user does not have access "
                                                      "to the specified resource"}]})
    if path == "keys" and method == "GET":
        keys = instance["keys"]
        reply = {"metadata": {"collectionType": "application/vnd.ibm.kms.key+json",
                              "collectionTotal": len(keys)}}
        if keys:
            reply["resources"] = keys
        return Reply(200, reply)
    if path == "keys" and method == "POST":
        try:
            wanted = json.loads(body or b"{}")["resources"][0]
        except (ValueError, KeyError, IndexError, TypeError):
            return Reply(400, {"resources": [{"errorMsg": "Bad Request: the body is not a key"}]})
        key = cloud.create_key(instance, wanted.get("name", "key"), root=not wanted.get("extractable", True))
        return Reply(201, {"metadata": {"collectionType": "application/vnd.ibm.kms.key+json",
                                        "collectionTotal": 1}, "resources": [key]})
    m = re.match(r"^keys/([^/]+)$", path)
    if m and method == "GET":
        for key in instance["keys"]:
            if key["id"] == m.group(1) or key["name"] == m.group(1):
                return Reply(200, {"metadata": {"collectionType": "application/vnd.ibm.kms.key+json",
                                                "collectionTotal": 1}, "resources": [key]})
        return Reply(404, {"resources": [{"errorMsg": "Not Found: Key does not exist"}]})
    return Reply(404, {"resources": [{"errorMsg": "Not Found: %s %s" % (method, path)}]})


# --- Kubernetes Service ---------------------------------------------------------------------

def containers(cloud, method, path, query, headers, body):
    cluster = cloud.cluster
    if path == "getClusters" and method == "GET":
        return Reply(200, [cluster.describe(consume=False)])
    if path == "getCluster" and method == "GET":
        wanted = query.get("cluster", "")
        if wanted not in (cluster.name, cluster.id):
            return Reply(404, {"incidentID": "stub", "code": "G0004",
                               "description": "The specified cluster could not be found.", "type": "General"})
        # Today's shape nests the features and the master's lifecycle; the flat one of v1
        # comes with `v1-compatible` (bluemix-go, api/container/containerv2/clusters.go).
        if "v1-compatible" in query:
            return Reply(200, cluster.describe(consume=not peeking(headers)))
        return Reply(200, cluster.describe_v2(consume=not peeking(headers)))
    if path == "enableKMS" and method == "POST":
        try:
            request = json.loads(body or b"{}")
        except ValueError:
            return Reply(400, {"code": "E0000", "description": "The body is not JSON."})
        problem = enable_kms(cloud, request.get("cluster", ""), request.get("instance_id", ""),
                             request.get("crk_id", ""), request.get("private_endpoint", False))
        if problem:
            return Reply(400, {"code": "E0035", "description": problem, "type": "BadRequest"})
        return Reply(204)
    return Reply(404, {"code": "E0001", "description": "No such endpoint: %s %s" % (method, path)})


def enable_kms(cloud, cluster_name, instance_id, crk_id, private_endpoint):
    """Starts KMS encryption of the cluster's secrets; the reason when it cannot."""
    cluster = cloud.cluster
    if cluster_name not in (cluster.name, cluster.id):
        return "The specified cluster could not be found."
    instance, key = cloud.find_key(instance_id, crk_id)
    if instance is None:
        return "The key management service instance '%s' could not be found." % instance_id
    if key is None:
        return "The root key '%s' could not be found in instance '%s'." % (crk_id, instance_id)
    if key["extractable"]:
        return "The key '%s' is a standard key; KMS encryption needs a root key." % crk_id
    cluster.key_protect = {"instance_id": instance_id, "crk_id": crk_id,
                           "private_endpoint": bool(private_endpoint)}
    cluster.kms_pending = cloud.config.kms_polls
    return None
