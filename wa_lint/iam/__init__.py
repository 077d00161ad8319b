"""IAM: effective permissions of execution roles, and IAM knowledge from data."""
