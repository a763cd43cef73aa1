"""The demos/ scripts, run without pacing against the session's server: what the screen shows.

The session's server serves the bundled demo graphs (`agent`, `approval`, `form`) under the
same names as `hil demo`, so each demo runs here exactly as it runs for a person.
"""

from __future__ import annotations

from demos import form, inbox, review_edit, weather


def test_weather_demo(server_url: str, hil_env: dict[str, str]) -> None:
    screen = weather.play(server_url, hil_env).screen
    assert "? ask_human: Where are you located?" in screen
    assert "answer> san francisco" in screen
    assert '→ search {"query": "weather in San Francisco"}' in screen
    assert "it's currently sunny in San Francisco" in screen


def test_review_edit_demo(server_url: str, hil_env: dict[str, str]) -> None:
    screen = review_edit.play(server_url, hil_env).screen
    assert "── tool call send_email ──" in screen
    assert '"to": "alice@example.com"' in screen
    assert "send_email: approve / edit / reject / respond? edit" in screen
    assert "Email sent to bob@example.com with subject 'Quarterly report'." in screen
    assert "Email sent to alice@example.com" not in screen


def test_form_demo(server_url: str, hil_env: dict[str, str]) -> None:
    screen = form.play(server_url, hil_env).screen
    assert "name (string, required)> Ada Lovelace" in screen
    assert "! nights: 0 is less than the minimum of 1" in screen
    assert "room (single / double / suite, default double)> suite" in screen
    assert "Booked a suite room for Ada Lovelace, 3 nights, with breakfast." in screen


def test_inbox_demo(server_url: str, hil_env: dict[str, str]) -> None:
    screen = inbox.play(server_url, hil_env).screen
    assert "Pick a number or a thread id" in screen
    assert "send_email: approve / edit / reject / respond? a" in screen
    assert "Email sent to carol@example.com with subject 'Hello from hil'." in screen
