"""The version `hil --version` reports is the package metadata's, in process (the command-line
conventions through `hil`: tests/test_conventions.py)."""

from __future__ import annotations

import hilcli


def test_version_of_the_package_metadata_is_the_same() -> None:
    from importlib.metadata import version

    assert version("hilcli") == hilcli.__version__
