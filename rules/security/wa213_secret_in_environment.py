"""WA213: literal secrets in function environment variables (the value is never shown)."""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.api import SECRET_FIX, Finding, Graph, Pillar, Severity, environment_secrets, fitting, rule, shorten


@rule(
    id="WA213",
    name="secret-in-environment",
    pillar=Pillar.SECURITY,
    severity=Severity.ERROR,
    lens="SEC 3",
)
def secret_in_environment(graph: Graph) -> Iterator[Finding]:
    """A function environment variable holds a secret written into the template.

    ## Why
    A literal in a template lives in version control, in every copy of the template, in the
    CloudFormation console and in the function's configuration, where anyone with
    `lambda:GetFunctionConfiguration` reads it. It cannot be rotated without a deployment.

    ## When it fires
    An environment variable whose name ends in a secret word (`PASSWORD`, `PASSWD`, `PWD`,
    `PASS`, `SECRET`, `TOKEN`, `API_KEY`, `PRIVATE_KEY`, `SECRET_KEY`, `SIGNING_KEY`,
    `ACCESS_KEY`, `CREDENTIALS`, …, optionally followed by `_VALUE`, `_PEM`, `_B64`) holds a literal string:
    written directly, built with `Fn::Sub`/`Fn::Join` from literals, or the default of a parameter
    without `NoEcho`; a name that ends in a password word (`PASSWORD`, `PASSWD`, `PWD`, `PASS`,
    `PASSPHRASE`) also counts a number of four digits or more (`DB_PASSWORD: 123456789`).
    With `Fn::If`, each branch is judged and the finding names its condition.
    The value itself is never shown: messages name the variable, and code frames mask it.

    ## When it stays silent
    - The value is a dynamic reference (`{{resolve:secretsmanager:…}}`,
      `{{resolve:ssm-secure:…}}`), a `Ref` to a `NoEcho` parameter or to a parameter without a
      default, or a reference to a resource (a secret's ARN, a parameter's name).
    - The value names where the secret lives (an ARN, an SSM parameter path, a `prod/db/password`
      style secret name), is empty or a boolean, or is a number where the name is not a
      password's (`MAX_TOKEN: 4096` counts tokens) or has fewer than four digits.
    - The name only mentions a secret (`SECRET_ARN`, `TOKEN_TABLE`, `PASSWORD_MIN_LENGTH`).

    ## Fix
    ```yaml
    Environment:
      Variables:
        DB_SECRET_ARN: !Ref DatabaseSecret   # read the password at runtime
    ```
    """
    # The value never appears: the pipeline masks every secret of the stack in every finding
    # (``wa_lint.secrets.stack_secrets``), this rule's included.
    for s in environment_secrets(graph):
        if s.function.internal:
            continue
        head = (f"{shorten(graph.label(s.function.logical_id))}'s environment variable {s.variable} holds "
                f"{_where(s.parameter)}{_when(s.condition) if s.alternatives > 1 else ''}")
        yield Finding.at(
            s.function,
            fitting((f"{head}: anyone who reads the template or the function's configuration reads it", head)),
            fix=SECRET_FIX,
            line=s.function.prop_line("Environment", "Variables", s.variable),
            condition=s.condition,
        )


def _where(parameter: str | None) -> str:
    return f"the default of parameter {parameter} (not NoEcho)" if parameter else "a literal value"


def _when(condition: str | None) -> str:
    """`` when IsProd is false`` for the ``!IsProd`` branch of an ``Fn::If``."""
    if not condition:
        return ""
    terms = [f"{t[1:]} is false" if t.startswith("!") else f"{t} is true" for t in condition.split("&")]
    return " when " + " and ".join(terms)
