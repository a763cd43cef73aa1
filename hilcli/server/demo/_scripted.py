"""A scripted chat model for the demo graphs: no API key, no network, always the same answers.

`ScriptedChatModel(reply=f)` answers every call with `f(messages)`, a pure function of the
conversation so far. It therefore works for any number of threads and turns (unlike a fake
model that pops answers from a shared iterator), supports `bind_tools` (the bound tools are
accepted and ignored: the script already knows which tools exist), and streams its answer
word by word, then its tool calls, so `messages-tuple` streaming looks like a real model's.
"""

import json
import re
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    ToolMessage,
)
from langchain_core.messages.tool import tool_call_chunk
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool

Reply = Callable[[list[BaseMessage]], AIMessage]
"""A script: the conversation so far → the model's next message."""

_TOKEN = re.compile(r"\s*\S+|\s+")


class ScriptedChatModel(BaseChatModel):
    """A chat model whose answer is computed by `reply` from the conversation."""

    reply: Reply
    token_delay: float = 0.0
    """Seconds to pause between streamed words (purely cosmetic, for the demo)."""

    @property
    def _llm_type(self) -> str:
        return "hil-scripted"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_name": "hil-scripted"}

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: str | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Accept tools like a real model would; the script decides which ones to call."""
        return self.bind(tools=[convert_to_openai_tool(t) for t in tools], **kwargs)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self.reply(list(messages)))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        message = self.reply(list(messages))
        text = message.content if isinstance(message.content, str) else ""
        for i, token in enumerate(_TOKEN.findall(text)):
            if i and self.token_delay:
                time.sleep(self.token_delay)  # pacing for the demo, not synchronisation
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=token))
            if run_manager:
                run_manager.on_llm_new_token(token, chunk=chunk)
            yield chunk
        for index, call in enumerate(message.tool_calls):
            chunk = ChatGenerationChunk(
                message=AIMessageChunk(
                    content="",
                    tool_call_chunks=[
                        tool_call_chunk(
                            name=call["name"],
                            args=json.dumps(call["args"]),
                            id=call["id"],
                            index=index,
                        )
                    ],
                )
            )
            if run_manager:
                run_manager.on_llm_new_token("", chunk=chunk)
            yield chunk
        last = ChatGenerationChunk(message=AIMessageChunk(content="", chunk_position="last"))
        if run_manager:
            run_manager.on_llm_new_token("", chunk=last)
        yield last


# -- helpers for writing scripts ------------------------------------------------------------


def call_id() -> str:
    """A fresh tool-call id in the usual `call_…` style."""
    return f"call_{uuid.uuid4().hex[:24]}"


def tool_call(name: str, args: dict[str, Any]) -> AIMessage:
    """An AI message that calls one tool."""
    return AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": call_id()}])


def last_turn(messages: list[BaseMessage]) -> tuple[str, list[BaseMessage]]:
    """The text of the last human message and the messages that came after it."""
    for i in range(len(messages) - 1, -1, -1):
        if isinstance(messages[i], HumanMessage):
            return str(messages[i].text), messages[i + 1 :]
    return "", list(messages)


def tool_results(messages: list[BaseMessage]) -> dict[str, ToolMessage]:
    """Tool messages among `messages`, keyed by the name of the tool that was called."""
    names = {
        call["id"]: call["name"]
        for message in messages
        if isinstance(message, AIMessage)
        for call in message.tool_calls
    }
    return {
        names.get(message.tool_call_id, message.name or ""): message
        for message in messages
        if isinstance(message, ToolMessage)
    }
