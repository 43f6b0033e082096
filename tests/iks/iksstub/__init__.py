"""A stateful stand-in for the IBM Cloud services and CLIs of the IKS security lab."""
