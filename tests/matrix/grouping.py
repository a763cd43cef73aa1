"""`--dist loadgroup` that also works where pytest-xdist cannot tag the node ids.

pytest-xdist groups `xdist_group`-marked tests by appending `@group` to each node id on the
workers; with pytest 9.2 (node ids became immutable `NodeId` objects) that assignment no longer
takes effect, so the marked tests were spread over every worker and each worker started its own
copy of each matrix server. This scheduler keeps xdist's grouping where the suffix is there and
otherwise groups the matrix tests by the server kind in their parameter id, which the
controller can read from the node id alone (a matrix test outside tests/test_matrix*.py is
named test_every_server_*: its kind's server is then started once, not once more wherever
it lands).
"""

from __future__ import annotations

import re

import pytest
from xdist.remote import Producer
from xdist.scheduler import LoadGroupScheduling

from tests.matrix.servers import KINDS

# A matrix test: any test of a tests/test_matrix*.py file, or a test named test_every_server_*
# in another file (it takes `matrix_server` too), with the server kind in its parameter id.
_MATRIX_TEST = re.compile(
    r"(?:^|/)(?:test_matrix[^/]*\.py::[^\[]+|[^/]+\.py::test_every_server_[^\[]*)"
    r"\[(?P<params>.+)\]$"
)


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
