"""Which pending interrupt a one-shot answer answers: the one rule `hil resume` and
`hil resume --checkpoint` share (`interrupts.choose_pending`)."""

from __future__ import annotations

import pytest

from hilcli.errors import NothingToResume, UsageError
from hilcli.events import PendingInterrupt
from hilcli.interrupts import choose_pending

NAME = PendingInterrupt(id="a1", value="What is your name?", node="ask_name")
AGE = PendingInterrupt(id="b2", value="How old are you?", node="ask_age")


def test_the_only_one_pending_is_answered() -> None:
    assert choose_pending([NAME], None, "on thread T") is NAME


def test_the_one_named_is_answered() -> None:
    assert choose_pending([NAME, AGE], "b2", "on thread T") is AGE


def test_an_id_not_pending_is_nothing_to_resume_and_lists_what_is() -> None:
    with pytest.raises(NothingToResume) as refused:
        choose_pending([NAME, AGE], "zz", "at checkpoint C")
    assert "Interrupt zz is not pending at checkpoint C; pending: a1, b2." in refused.value.message


def test_several_pending_and_none_named_is_a_usage_error_listing_them() -> None:
    with pytest.raises(UsageError) as refused:
        choose_pending([NAME, AGE], None, "on thread T")
    message = refused.value.message
    assert message.startswith("2 interrupts are pending on thread T; pick one with --interrupt-id")
    assert "What is your name?" in message and "How old are you?" in message
