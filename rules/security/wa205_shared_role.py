"""WA205: several functions share one execution role."""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.api import Finding, Graph, Pillar, Severity, functions_of, may_coexist, role_names, rule


@rule(
    id="WA205",
    name="lambda-role-shared",
    pillar=Pillar.SECURITY,
    severity=Severity.WARNING,
    lens="SEC 2",
)
def lambda_role_shared(graph: Graph) -> Iterator[Finding]:
    """One execution role is used by two or more functions.

    ## Why
    A shared role holds the union of what every function using it needs, so each function gets
    the permissions of all the others. The Serverless Lens asks for small, single-purpose
    functions with a role each: then a role's permissions document what one function does, and a
    compromised function reaches only its own resources.

    ## When it fires
    Two or more functions (`AWS::Lambda::Function`, SAM functions with `Role`, CDK functions
    given the same `role`) name the same `AWS::IAM::Role` of the stack in `Role`. The finding is on
    the role and names the functions.

    ## When it stays silent
    - Each function has its own role (SAM and CDK create one per function by default).
    - The role is outside the template (an imported or literal ARN): other stacks may not use it.
    - Functions that CDK creates for itself (custom-resource providers) share their role by design.
    - The functions are alternatives no deployment creates together: their conditions exclude each
      other (`!Equals [!Ref Strategy, A]` and `!Equals [!Ref Strategy, B]`, or `C` and `!Not [C]`).

    ## Fix
    Give each function its own role with only what it needs; in SAM drop `Role` and use `Policies`.
    """
    for role in graph.of_type("AWS::IAM::Role", include_internal=True):
        fns = functions_of(graph, role.logical_id)
        if len(fns) < 2 or not may_coexist(graph, [f.condition for f in fns]):
            continue
        conds = {f.condition for f in fns}
        yield Finding.at(
            role,
            f"{role_names(graph, [role.logical_id])} is the execution role of {len(fns)} functions: "
            f"{graph.names(f.logical_id for f in fns)}; each holds the permissions all of them need",
            fix="Give each function its own role with only the permissions that function uses.",
            related=[*fns],
            condition=role.condition or (conds.pop() if len(conds) == 1 else None),
        )
