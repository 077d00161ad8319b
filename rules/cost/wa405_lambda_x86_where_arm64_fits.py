"""WA405: a function runs on x86_64 where arm64 would run it for less (off by default)."""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.api import Finding, Graph, Pillar, Severity, rule, x86_functions

FIX = {
    "sam": "Set Architectures: [arm64] on the function (or in Globals.Function) once native dependencies "
           "build for arm64 (sam build --use-container).",
    "cdk": "Set architecture: lambda.Architecture.ARM_64 on the function once native dependencies build for arm64.",
    "cfn": "Set Architectures: [arm64] on the function and deploy a package built for arm64 (native dependencies).",
}


@rule(
    id="WA405",
    name="lambda-x86-where-arm64-fits",
    pillar=Pillar.COST,
    severity=Severity.INFO,
    lens="COST 1",
    enabled=False,
)
def lambda_x86_where_arm64_fits(graph: Graph) -> Iterator[Finding]:
    """A function with a managed runtime runs on x86_64, where arm64 costs about 20 % less.

    Off by default: add it with `--extend-select WA405` when you are ready to move functions to Graviton.

    ## Why
    Lambda bills arm64 (Graviton2) functions about 20 % less per GB-second than x86_64 ones,
    and they often run as fast or faster. Python, Node.js, Ruby, Java and .NET code runs
    unchanged; only native dependencies (compiled wheels, Node add-ons, bundled binaries)
    must be built for arm64. The architecture is one line in the template.

    ## When it fires
    A function with a managed runtime that has an arm64 build (Python 3.8+, Node.js 12+,
    Java 8 on Amazon Linux 2 and Java 11+, .NET Core 3.1 and .NET 6+, Ruby 2.7+) has no
    `Architectures` (x86_64 is the default) or `Architectures: [x86_64]`; SAM `Globals` count.

    ## When it stays silent
    - The function is a container image (`PackageType: Image`): the image decides.
    - A layer or the code path names an x86-only build: `x86_64` or `amd64` in a layer's name or
      ARN, a layer in the template whose `CompatibleArchitectures` is only `x86_64`, or a
      `CodeUri` / code location containing those words.
    - The runtime is a custom runtime (`provided.al2`: the binary decides), `go1.x` (x86 only),
      has no arm64 build (`python3.7`, `java8`), or cannot be read.
    - `Architectures` is `arm64` in some `Fn::If` branch, or cannot be read.
    - Functions CDK creates for itself.

    ## Fix
    ```yaml
    # SAM (or Globals: Function: Architectures) and CloudFormation
    Resize:
      Type: AWS::Serverless::Function
      Properties:
        Runtime: python3.12
        Architectures: [arm64]
    ```
    CDK: `architecture: lambda.Architecture.ARM_64`. Build native dependencies for arm64
    (`sam build --use-container`, `pip install --platform manylinux2014_aarch64`).
    """
    for found in x86_functions(graph):
        fn = found.function
        written = "Architectures [x86_64]" if found.architecture else "no Architectures (x86_64 by default)"
        origin = "sam" if fn.source_resource else "cdk" if fn.construct_path else "cfn"
        yield Finding.at(
            fn,
            f"{graph.label(fn.logical_id)} runs {found.runtime} with {written}: arm64 would cost about "
            "20 % less per GB-second",
            fix=FIX[origin],
            line=fn.prop_line("Architectures") if found.architecture else None,
        )
