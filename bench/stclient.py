"""A Streamlit client at the protocol level: what the browser sends and receives, without a browser.

The page talks to the server over one websocket (`/_stcore/stream`, subprotocol "streamlit"): the client
sends `BackMsg` protobufs (a `rerun_script` with the widget values), the server answers with a stream of
`ForwardMsg` (`new_session`, one `delta` per element or block, `script_finished`). A question is a rerun
with the chat input's value set, exactly as the browser's chat box sends it. Like the browser, the
client keeps the messages the server marks cacheable and reports their hashes, so the server may send a
`ref_hash` instead of a message the client already holds.

    async with Session("ws://127.0.0.1:8501") as s:
        page = await s.ask("How many agreements did France sign?")
        page.answers[-1]   # the newest assistant message's first text, as Markdown
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState, ContextInfo
from streamlit.proto.Common_pb2 import ChatInputValue
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates


def _page_cookies(url: str, timeout: float, cookie: str = "") -> str:
    """GET the page with the cookies the browser holds; those and any it sets, as a Cookie header value."""
    request = urllib.request.Request(url.rstrip("/") + "/", headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=timeout) as r:
        r.read()
        jar = dict(c.split("=", 1) for c in cookie.split("; ") if "=" in c)
        for c in r.headers.get_all("Set-Cookie") or []:
            name, _, value = c.split(";", 1)[0].partition("=")
            jar[name] = value
        return "; ".join(f"{k}={v}" for k, v in jar.items())


class ProtocolError(Exception):
    """The server said something a browser would show as an error (an exception, a failed run)."""


@dataclass
class Run:
    """What one script run sent: its elements by delta path, and when the pieces arrived."""

    started: float
    finished: float = 0.0
    status: str = ""
    messages: int = 0
    bytes: int = 0
    blocks: dict[tuple[int, ...], str] = field(default_factory=dict)  # path -> "chat_message:assistant", ...
    markdown: dict[tuple[int, ...], str] = field(default_factory=dict)
    markdown_at: dict[tuple[int, ...], float] = field(default_factory=dict)
    exceptions: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # st.error boxes
    widgets: dict[str, tuple[str, str]] = field(default_factory=dict)  # widget id -> (kind, label)

    def _messages_of(self, who: str) -> list[tuple[int, ...]]:
        return sorted(p for p, kind in self.blocks.items() if kind == f"chat_message:{who}")

    def first_text(self, block: tuple[int, ...]) -> tuple[str, float] | None:
        inside = sorted(p for p in self.markdown if p[: len(block)] == block)
        return (self.markdown[inside[0]], self.markdown_at[inside[0]]) if inside else None

    @property
    def answers(self) -> list[str]:
        """Each assistant message's first Markdown text (the answer), oldest first."""
        return [t[0] for b in self._messages_of("assistant") if (t := self.first_text(b))]

    def newest_answer(self) -> tuple[str, float] | None:
        """The newest assistant message's answer text and when it arrived (perf_counter seconds)."""
        blocks = self._messages_of("assistant")
        return self.first_text(blocks[-1]) if blocks else None


class Session:
    """One browser tab's worth of protocol: connect, run the page, ask questions, click nothing."""

    def __init__(self, base_url: str, timeout: float = 120.0, origin: str | None = None, cookie: str = ""):
        self.url = base_url.rstrip("/").replace("http://", "ws://").replace("https://", "wss://") + "/_stcore/stream"
        self.page_url = base_url
        self.timeout = timeout
        self.origin = origin
        self.ws = None
        self.page_script_hash = ""
        self.chat_input_id = ""
        self.cache: dict[str, ForwardMsg] = {}  # hash -> message, what the browser keeps
        self.session_id = ""
        self.cookie = cookie  # what the browser holds for this site (a balancer's affinity cookie)
        self.fragment_of: dict[str, str] = {}  # widget id -> the fragment that drew it ("" for none)
        self.widgets: dict[str, tuple[str, str]] = {}  # every widget any run drew: id -> (kind, label)
        self.text_inputs: dict[str, str] = {}  # text input id -> the value typed, sent on every rerun

    async def __aenter__(self) -> Session:
        await self.connect()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def connect(self) -> Run:
        """Load the page (as the browser does: a balancer may set its affinity cookie here), open the socket."""
        self.cookie = await asyncio.to_thread(_page_cookies, self.page_url, self.timeout, self.cookie)
        self.ws = await websockets.connect(
            self.url, subprotocols=["streamlit"], max_size=None, open_timeout=self.timeout,
            ping_interval=None, compression=None, origin=self.origin,
            additional_headers={"Cookie": self.cookie} if self.cookie else None)
        return await self.rerun()

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    def _client_state(self, widgets: list[WidgetState], fragment_id: str = "") -> ClientState:
        widgets = widgets + [WidgetState(id=i, string_value=v) for i, v in self.text_inputs.items()]
        return ClientState(
            query_string="", page_script_hash=self.page_script_hash, widget_states=WidgetStates(widgets=widgets),
            fragment_id=fragment_id,
            cached_message_hashes=list(self.cache), context_info=ContextInfo(
                timezone="UTC", timezone_offset=0, locale="en-GB", url=self.page_url, color_scheme="light"))

    async def rerun(self, widgets: list[WidgetState] | None = None, fragment_id: str = "") -> Run:
        """Send a rerun with these widget values (none: the page as it stands) and read its run to the end."""
        msg = BackMsg(rerun_script=self._client_state(widgets or [], fragment_id))
        run = Run(time.perf_counter())
        await self.ws.send(msg.SerializeToString())
        return await self._read_run(run)

    async def ask(self, question: str) -> Run:
        """Type a question in the chat box and press Enter."""
        if not self.chat_input_id:
            raise ProtocolError("the page has no chat input")
        state = WidgetState(id=self.chat_input_id, chat_input_value=ChatInputValue(data=question))
        return await self.rerun([state])

    async def click(self, widget_id: str) -> Run:
        """Click a button; inside a fragment, only that fragment reruns (as the browser asks)."""
        return await self.rerun([WidgetState(id=widget_id, trigger_value=True)], self.fragment_of.get(widget_id, ""))

    async def type_text(self, widget_id: str, value: str) -> Run:
        """Type into a text input and leave it: its value goes with this and every later rerun."""
        self.text_inputs[widget_id] = value
        return await self.rerun(fragment_id=self.fragment_of.get(widget_id, ""))

    async def _read_run(self, run: Run) -> Run:
        deadline = time.monotonic() + self.timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the script run did not finish in time")
            raw = await asyncio.wait_for(self.ws.recv(), remaining)
            now = time.perf_counter()
            run.messages += 1
            run.bytes += len(raw)
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            if msg.HasField("ref_hash"):
                cached = self.cache.get(msg.ref_hash)
                if cached is None:
                    raise ProtocolError(f"the server referred to a message this client never got: {msg.ref_hash}")
                metadata = msg.metadata
                msg = ForwardMsg()
                msg.CopyFrom(cached)
                msg.metadata.CopyFrom(metadata)
            elif msg.metadata.cacheable and msg.hash:
                self.cache[msg.hash] = msg
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.page_script_hash = msg.new_session.page_script_hash
                if msg.new_session.HasField("initialize"):
                    self.session_id = msg.new_session.initialize.session_id
            elif kind == "delta":
                self._delta(run, msg, now)
            elif kind == "script_finished":
                run.finished = now
                run.status = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
                if msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    raise ProtocolError("the page failed to compile")
                if msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:  # a whole page: only its widgets remain
                    self.widgets = dict(run.widgets)
                if msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    return run
            elif kind == "session_event" and msg.session_event.WhichOneof("type") == "script_compilation_exception":
                raise ProtocolError("the page failed to compile")

    def _delta(self, run: Run, msg: ForwardMsg, now: float) -> None:
        path = tuple(msg.metadata.delta_path)
        delta = msg.delta
        which = delta.WhichOneof("type")
        if which == "add_block":
            block = delta.add_block
            kind = block.WhichOneof("type") or ""
            if kind == "chat_message":
                kind = f"chat_message:{block.chat_message.name}"
            run.blocks[path] = kind
        elif which == "new_element":
            el = delta.new_element
            kind = el.WhichOneof("type")
            if kind == "markdown":
                run.markdown[path] = el.markdown.body
                run.markdown_at[path] = now
            elif kind == "chat_input":
                self.chat_input_id = el.chat_input.id
            elif kind in ("button", "text_input", "button_group"):
                widget = getattr(el, kind)
                run.widgets[widget.id] = self.widgets[widget.id] = (kind, widget.label)
                self.fragment_of[widget.id] = delta.fragment_id
            elif kind == "exception":
                run.exceptions.append(f"{el.exception.type}: {el.exception.message}"[:300])
            elif kind == "alert" and el.alert.format == el.alert.ERROR:
                run.errors.append(el.alert.body[:300])
