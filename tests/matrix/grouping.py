"""`--dist loadgroup` that also works where pytest-xdist cannot tag the node ids.

pytest-xdist groups `xdist_group`-marked tests by appending `@group` to each node id on the
workers; with pytest 9.2 (node ids became immutable `NodeId` objects) that assignment no longer
takes effect, so the marked tests were spread over every worker and each worker started its own
copy of each matrix server. This scheduler keeps xdist's grouping where the suffix is there and
otherwise groups the matrix tests by the server kind in their parameter id, which the
controller can read from the node id alone.
"""

from __future__ import annotations

import re

import pytest
from xdist.remote import Producer
from xdist.scheduler import LoadGroupScheduling

from tests.matrix.servers import KINDS

_MATRIX_TEST = re.compile(r"(?:^|/)test_matrix[^/]*\.py::[^\[]+\[(?P<params>.+)\]$")


def matrix_group(nodeid: str) -> str | None:
    """The server kind a matrix test runs against, from its node id (None for other tests)."""
    match = _MATRIX_TEST.search(nodeid)
    if match is None:
        return None
    params = match["params"]
    for kind in sorted(KINDS, key=len, reverse=True):
        if params == kind or params.startswith(f"{kind}-") or params.endswith(f"-{kind}"):
            return kind
    return None


class MatrixGroupScheduling(LoadGroupScheduling):  # type: ignore[misc]
    """Load scheduling in which each matrix server's tests are one unit of work."""

    def __init__(self, config: pytest.Config, log: Producer | None = None) -> None:
        super().__init__(config, log)

    def _split_scope(self, nodeid: str) -> str:
        scope = super()._split_scope(nodeid)
        if scope != nodeid:
            return str(scope)  # xdist's own `@group` suffix
        return matrix_group(nodeid) or nodeid
