"""`ibmcloud`: login, target, `iam`, `resource` and the `kp` plug-in here; the `cr` and `ks`
plug-ins in `cli_cr.py` and `cli_ks.py`. Output formats are IBM-APIS.md's; text the sources
leave unconfirmed is plausible, and the lessons do not match it closely.
"""

import json

from . import cli_cr, cli_ks
from . import cloud as model
from .cli import Usage, failed, parse, read_file, table

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
    handlers = {"target": target, "iam": iam, "cr": cli_cr.run, "ks": cli_ks.run, "oc": cli_ks.run,
                "kp": kp, "resource": resource, "account": account}
    handler = handlers.get(group)
    if handler is None:
        return failed(cmd, "'%s' is not a registered command. See 'ibmcloud help'." % group)
    try:
        return handler(cloud, cmd, rest)
    except Usage as problem:
        return failed(cmd, "Incorrect Usage: %s" % problem)


def login(cloud, cmd, args):
    _, opts = parse(args, with_value=("--apikey", "-r", "-a", "-g", "-c", "-u", "-p"))
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
