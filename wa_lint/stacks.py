"""The stacks of one source: a template file (with its nested stacks) or a CDK cloud assembly.

Below the pipeline and the link index, which both load sources through :func:`load_stacks` (the
index loads the stacks that may link before the lint, and the lint reuses them).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path, PurePosixPath

from wa_lint.discover import Source
from wa_lint.model import InputError, Stack


def load_stacks(source: Source) -> tuple[list[Stack], list[InputError]]:
    """The stacks of a source: a template file (and its nested stacks) or a cloud assembly.
    A project that must be built first (``source.problem``) is that one input error."""
    if source.problem is not None:
        raise InputError(source.display, None, source.problem)
    if source.kind == "cdk":
        from wa_lint.expand.cdk import load_cdk_assembly

        return load_cdk_assembly(source.path, _assembly_display(source))
    from wa_lint.expand.template import load_template_stacks

    return load_template_stacks(source.path, source.display, source.root, explicit=source.explicit)


def _assembly_display(source: Source) -> Callable[[Path], str]:
    """How files of a cloud assembly are named: below the source's own display name, so that an
    assembly synthesized into a temporary directory (``--cdk-synth``) is named after its app."""
    from wa_lint.discover import display_path

    base = source.path.absolute()

    def display(path: Path) -> str:
        try:
            rel = path.absolute().relative_to(base)
        except ValueError:
            return display_path(path)
        return (PurePosixPath(source.display) / rel.as_posix()).as_posix() if rel.parts else source.display

    return display
