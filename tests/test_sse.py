"""The SSE decoder on the event-stream rules (WHATWG HTML, "Interpreting an event stream")."""

from __future__ import annotations

from hilcli.sse import SseDecoder, SseRecord


def decode(*chunks: bytes) -> list[SseRecord]:
    decoder = SseDecoder()
    records = [record for chunk in chunks for record in decoder.feed(chunk)]
    return records + decoder.close()


def test_the_servers_framing_crlf_with_ids_and_a_heartbeat() -> None:
    data = (
        b'event: metadata\r\ndata: {"run_id":"r"}\r\nid: 1-0\r\n\r\n'
        b": heartbeat\r\n\r\n"
        b'event: values\r\ndata: {"a":1}\r\nid: 2-0\r\n\r\n'
    )
    assert decode(data) == [
        SseRecord("metadata", '{"run_id":"r"}', "1-0"),
        SseRecord("values", '{"a":1}', "2-0"),
    ]


def test_line_endings_lf_cr_and_crlf_split_across_chunks() -> None:
    assert decode(b"data: a\r", b"\ndata: b\r", b"\r") == [SseRecord("message", "a\nb", None)]
    assert decode(b"data: x\n\n") == decode(b"data: x\r\r") == decode(b"data: x\r\n\r\n")


def test_bom_comments_fields_without_colon_and_one_space_removed() -> None:
    data = "\ufeffdata:  two spaces\n: comment\ndata\nevent:custom\n\n".encode()
    assert decode(data) == [SseRecord("custom", " two spaces\n", None)]


def test_blocks_without_data_are_not_dispatched_and_ids_carry_over() -> None:
    data = b"id: 7-0\n\nevent: x\n\ndata: 1\n\nid: bad\x00id\ndata: 2\n\n"
    assert decode(data) == [SseRecord("message", "1", "7-0"), SseRecord("message", "2", "7-0")]


def test_an_unterminated_last_event_is_dropped() -> None:
    assert decode(b"data: complete\n\ndata: cut off") == [SseRecord("message", "complete", None)]


def test_invalid_utf8_becomes_replacement_characters() -> None:
    assert decode(b"data: \xff\xfe\n\n") == [SseRecord("message", "\ufffd\ufffd", None)]


def test_a_multibyte_character_split_between_chunks() -> None:
    data = "data: é\n\n".encode()
    assert decode(data[:7], data[7:]) == [SseRecord("message", "é", None)]
