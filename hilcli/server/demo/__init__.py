"""Example graphs bundled with hil, served by `hil demo` (see `langgraph.json` here).

* `agent`: the LangGraph how-to "wait for user input using interrupt": asks where you are,
  then looks up the weather there.
* `approval`: a LangChain agent whose `send_email` (and `delete_file`) tool calls need a
  human's approval (`HumanInTheLoopMiddleware`).
* `form`: asks for booking details with an interrupt that carries a JSON Schema.

The models are scripted (`_scripted.py`): no API key and no network are needed.
"""
