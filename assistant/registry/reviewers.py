"""Reviewers: passwords kept as scrypt hashes, and the sign-in that alone makes a Reviewer.

A Reviewer carries a proof (an HMAC over its name with a key that lives only in the Reviewers object that signed
it in), so the store can check, inside every accept and reject, that the identity came from a real sign-in:
a caller that builds Reviewer('eve', ...) itself is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.errors import AssistantError

# scrypt's cost: n=2**14, r=8, p=1 (about 16 MB and tens of ms per sign-in; RFC 7914's interactive setting)
N, R, P = 2**14, 8, 1
SIGN_IN_REFUSED = "That name and password do not match a reviewer."


class NotAReviewer(AssistantError):
    """An action only a reviewer may take was asked for without a reviewer's sign-in."""


def hash_password(password: str, salt: bytes | None = None) -> str:
    """'scrypt$n$r$p$salt$hash' (base64), to put in the configuration instead of the password."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=N, r=R, p=P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${N}${R}${P}${b64(salt).decode()}${b64(digest).decode()}"


def password_matches(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(base64.b64decode(digest)))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, base64.b64decode(digest))


@dataclass(frozen=True)
class Reviewer:
    """A signed-in reviewer. Only Reviewers.sign_in makes one whose proof Reviewers.check accepts."""

    name: str
    proof: str = field(repr=False)


MAX_FAILURES, LOCKOUT_SECONDS = 5, 300  # five wrong passwords for a name: that name waits five minutes


class Reviewers:
    """The reviewers of configuration (name -> password hash) and a key made when this object is."""

    def __init__(self, hashes: tuple[tuple[str, str], ...], clock: Callable[[], float] = time.monotonic):
        self._hashes = dict(hashes)
        self._key = secrets.token_bytes(32)
        self._clock = clock
        self._failures: dict[str, list[float]] = {}  # name -> times of recent wrong passwords
        self._lock = threading.Lock()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(sorted(self._hashes))

    def _proof(self, name: str) -> str:
        return hmac.new(self._key, name.encode(), hashlib.sha256).hexdigest()

    def sign_in(self, name: str, password: str) -> Reviewer:
        name = (name or "").strip()
        now = self._clock()
        with self._lock:
            recent = [t for t in self._failures.get(name, []) if now - t < LOCKOUT_SECONDS]
            self._failures[name] = recent
        if len(recent) >= MAX_FAILURES:  # guessing is slowed to five tries per name every five minutes
            raise NotAReviewer("Too many wrong passwords for this name; try again in a few minutes.")
        stored = self._hashes.get(name)
        # A name that is not a reviewer costs the same scrypt as a wrong password (no timing hint).
        ok = password_matches(password or "", stored or hash_password("-", salt=b"0" * 16))
        if not stored or not ok:
            with self._lock:
                self._failures.setdefault(name, []).append(now)
            raise NotAReviewer(SIGN_IN_REFUSED)
        with self._lock:
            self._failures.pop(name, None)
        return Reviewer(name, self._proof(name))

    def check(self, reviewer: object) -> Reviewer:
        """The reviewer, if it came from this object's sign-in; else NotAReviewer."""
        if (not isinstance(reviewer, Reviewer) or reviewer.name not in self._hashes
                or not hmac.compare_digest(str(reviewer.proof), self._proof(reviewer.name))):
            raise NotAReviewer("Only a signed-in reviewer may accept, reject, correct or withdraw an agreement.")
        return reviewer


def main_hash(password: str | None = None) -> str:
    """For `python -m assistant hash-password`: the hash of a password typed at the prompt."""
    if password is None:
        import getpass

        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Again: "):
            raise AssistantError("The two passwords differ.")
    if len(password) < 8:
        raise AssistantError("Choose a password of at least 8 characters.")
    return hash_password(password)

