"""wa-lint: lint CloudFormation, SAM and CDK output against the AWS Well-Architected Serverless Lens."""

__version__ = "0.1.0"
