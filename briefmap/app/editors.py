"""Who may edit: the server's editing setting, the visitor's sign-in, and the rules between.

Read-only is the default. Whoever runs the server switches editing on, in the
environment or in Streamlit's secrets (``[briefmap]`` in ``secrets.toml``, which
is where Streamlit Community Cloud keeps settings); the environment wins:

- ``editing``: ``"off"`` (the default), ``"signed-in"`` (editors sign in with
  Streamlit's OpenID Connect sign-in, ``[auth]`` in ``secrets.toml``, and must be
  on the allow-list) or ``"anyone"`` (whoever can open the app edits: for a
  private deployment; without sign-in a typed name is the editor's);
- ``editors``: the allow-list (``$BRIEFMAP_EDITORS`` separates its entries
  with commas). An entry is an e-mail address (``alice@example.org``, any
  case; it counts unless the provider says it is unverified), or an OpenID
  issuer and subject joined by ``|``
  (``https://accounts.google.com|110169484474386276334``): a subject is unique
  only at its issuer, so one provider's ``sub`` must not let in the same
  ``sub`` at another. A bare subject is refused as a setting not understood.

The rules (:func:`editing_config`, :func:`access`) are pure: settings and what
``st.user`` says go in, an :class:`Access` comes out. :func:`current_access` reads
them from Streamlit. A setting that cannot be read switches editing off and says
why: a typo must never open the data to everyone.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

EDITING_ENV = "BRIEFMAP_EDITING"
EDITORS_ENV = "BRIEFMAP_EDITORS"
SECRETS_SECTION = "briefmap"  # [briefmap] in secrets.toml
AUTH_SECTION = "auth"  # Streamlit's own sign-in settings
# A typed name is the editor's only mark in the audit trail: short and plain.
MAX_TYPED_NAME = 80


class Editing(str, Enum):
    """Who may edit on this server."""

    OFF = "off"
    SIGNED_IN = "signed-in"
    ANYONE = "anyone"


@dataclass(frozen=True)
class EditingConfig:
    """The server's editing settings, read and checked."""

    editing: Editing = Editing.OFF
    # E-mails (lower case) and OpenID identities, "issuer|subject" (identity_entry).
    editors: frozenset[str] = frozenset()
    sign_in: bool = False  # Streamlit's sign-in is configured ([auth] in secrets.toml)
    problem: str | None = None  # why a setting was not understood (editing is then off)


@dataclass(frozen=True)
class Visitor:
    """What ``st.user`` says about whoever opened the page."""

    signed_in: bool = False
    issuer: str | None = None  # the ID token's "iss"
    subject: str | None = None  # its "sub"
    email: str | None = None
    name: str | None = None
    # The token's "email_verified": False when the provider says the address is unproven.
    email_verified: bool | None = None

    @classmethod
    def from_user(cls, user: Mapping[str, Any]) -> Visitor:
        """Read ``st.user`` (a mapping of the ID token's claims, and ``is_logged_in``)."""

        def text(key: str) -> str | None:
            value = user.get(key)
            return value.strip() or None if isinstance(value, str) else None

        return cls(
            signed_in=user.get("is_logged_in") is True,
            issuer=text("iss"),
            subject=text("sub"),
            email=text("email"),
            name=text("name"),
            email_verified=(
                user["email_verified"] if isinstance(user.get("email_verified"), bool) else None
            ),
        )

    @property
    def shown_name(self) -> str:
        """The name the page and the audit trail show: the name, else the e-mail, else the subject."""
        return self.name or self.email or self.subject or "unknown"


@dataclass(frozen=True)
class Access:
    """What the visitor may do, and the sentence that says why."""

    may_edit: bool
    reason: str
    editor_id: str | None = None  # the Editor's stable id when known (signed in)
    editor_name: str | None = None
    signed_in: bool = False
    needs_name: bool = False  # "anyone" without sign-in: the editor types a name
    offer_sign_in: bool = False
    offer_sign_out: bool = False
    open_to_anyone: bool = False  # the page must say anyone who can open it can edit


def _words(value: Any) -> list[str]:
    """A list setting: a TOML list, or text separated by commas."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, Iterable) and not isinstance(value, Mapping):
        return [str(part).strip() for part in value if str(part).strip()]
    raise TypeError(value)


# Between an issuer and a subject in an allow-list entry: an issuer is a URL, which
# holds no "|" unencoded; a subject may hold anything after it.
IDENTITY_SEPARATOR = "|"


def identity_entry(issuer: str, subject: str) -> str:
    """A signed-in user's entry on the allow-list: ``issuer|subject``, as the ID token says them."""
    return f"{issuer}{IDENTITY_SEPARATOR}{subject}"


def normal_identity(value: str) -> str:
    """An allow-list entry as compared: an e-mail without case, ``issuer|subject`` as written.

    Raises ``ValueError`` for an entry that is neither (a bare subject would match
    the same subject at every provider).
    """
    value = value.strip()
    issuer, separator, subject = value.partition(IDENTITY_SEPARATOR)
    if separator:
        if not issuer.strip() or not subject.strip():
            raise ValueError(value)
        return identity_entry(issuer.strip(), subject.strip())
    if "@" in value:
        return value.lower()
    raise ValueError(value)


def editing_config(env: Mapping[str, str], secrets: Mapping[str, Any]) -> EditingConfig:
    """The editing settings from the environment and the secrets (the environment wins).

    Parameters
    ----------
    env
        The server's environment (``$BRIEFMAP_EDITING``, ``$BRIEFMAP_EDITORS``).
    secrets
        Streamlit's secrets as a mapping: ``[briefmap]`` and ``[auth]`` are read.
    """
    section = secrets.get(SECRETS_SECTION) or {}
    if not isinstance(section, Mapping):
        section = {}
    auth = secrets.get(AUTH_SECTION)
    sign_in = isinstance(auth, Mapping) and bool(auth)
    raw_editing = env.get(EDITING_ENV) or section.get("editing") or Editing.OFF.value
    where_editing = EDITING_ENV if env.get(EDITING_ENV) else "[briefmap] editing"
    raw_editors = (
        env.get(EDITORS_ENV) if env.get(EDITORS_ENV) is not None else section.get("editors", ())
    )
    where_editors = EDITORS_ENV if env.get(EDITORS_ENV) is not None else "[briefmap] editors"
    try:
        editing = Editing(str(raw_editing).strip().lower())
    except ValueError:
        choices = ", ".join(f'"{e.value}"' for e in Editing)
        return EditingConfig(
            sign_in=sign_in,
            problem=f"{where_editing} is {str(raw_editing)[:40]!r}, not one of {choices}; "
            "editing is off until it is set right.",
        )
    try:
        editors = frozenset(normal_identity(e) for e in _words(raw_editors))
    except TypeError:
        return EditingConfig(
            sign_in=sign_in,
            problem=f"{where_editors} must be a list of e-mails or issuer|subject entries; "
            "editing is off until it is set right.",
        )
    except ValueError as exc:
        return EditingConfig(
            sign_in=sign_in,
            problem=f"{where_editors} holds {str(exc)[:80]!r}, which is neither an e-mail nor "
            "an issuer|subject entry (a subject alone would match the same subject at any "
            "provider); editing is off until it is set right.",
        )
    return EditingConfig(editing=editing, editors=editors, sign_in=sign_in)


def on_list(config: EditingConfig, visitor: Visitor) -> bool:
    """The signed-in visitor's e-mail, or issuer and subject together, is on the allow-list.

    A subject counts only with its issuer: two providers may give the same
    ``sub`` to two people. An e-mail counts unless the provider says it is not
    verified (``email_verified`` false): where anyone may sign up with any
    address, an unproven one must not open the editor. A provider that does
    not say is trusted for its addresses.
    """
    mine = set()
    if visitor.email and visitor.email_verified is not False:
        mine.add(visitor.email.strip().lower())
    if visitor.issuer and visitor.subject:
        mine.add(identity_entry(visitor.issuer, visitor.subject))
    return bool(mine & config.editors)


def oidc_editor_id(visitor: Visitor) -> str:
    """A signed-in editor's stable id: the issuer and subject, as the store's ``Editor.id``."""
    return f"oidc:{identity_entry(visitor.issuer or '', visitor.subject or '')}"


def typed_editor_id(name: str) -> str:
    """An editor's id from a typed name (``editing = "anyone"`` without sign-in)."""
    return f"name:{name}"


def clean_typed_name(name: str) -> str | None:
    """A typed editor's name as kept: one line, trimmed, at most MAX_TYPED_NAME; ``None`` if empty."""
    one_line = " ".join(name.split())[:MAX_TYPED_NAME]
    return one_line or None


def access(config: EditingConfig, visitor: Visitor) -> Access:
    """Whether ``visitor`` may edit under ``config``, and the sentence the page shows."""
    signed_out = not visitor.signed_in
    if config.problem:
        return Access(False, f"Read only: {config.problem}", offer_sign_out=visitor.signed_in)
    if config.editing is Editing.OFF:
        return Access(
            False,
            "Read only: editing is off on this server. Whoever runs it can switch it on "
            '([briefmap] editing = "signed-in" or "anyone").',
            offer_sign_out=visitor.signed_in,
        )
    if visitor.signed_in:
        named = identity_entry(visitor.issuer or "?", visitor.subject or "?")
        identity = dict(
            editor_id=oidc_editor_id(visitor),
            editor_name=visitor.shown_name,
            signed_in=True,
            offer_sign_out=True,
        )
        if config.editing is Editing.ANYONE or on_list(config, visitor):
            return Access(
                True,
                f"Signed in as {visitor.shown_name}: your changes are recorded under this name.",
                open_to_anyone=config.editing is Editing.ANYONE,
                **identity,
            )
        return Access(
            False,
            f"Read only: you are signed in as {visitor.email or named}, who is not on this "
            f"server's list of editors (as issuer|subject on it: {named}).",
            **identity,
        )
    if config.editing is Editing.SIGNED_IN:
        if not config.sign_in:
            return Access(
                False,
                'Read only: editing = "signed-in" needs Streamlit\'s sign-in, and no [auth] '
                "section is set in secrets.toml.",
            )
        return Access(
            False, "Sign in to edit: editors are signed-in users on a list.", offer_sign_in=True
        )
    # ANYONE, not signed in: a private deployment, edited under a typed name.
    return Access(
        True,
        "Anyone who can open this app can edit it: changes are recorded under the name "
        "typed below, which nobody checks.",
        needs_name=True,
        offer_sign_in=config.sign_in and signed_out,
        open_to_anyone=True,
    )


# ----------------------------------------------------------------- Streamlit side


def _secrets_mapping() -> Mapping[str, Any]:
    import streamlit as st

    try:
        # Reading st.secrets without a secrets file raises (FileNotFoundError in 1.67).
        return {key: st.secrets[key] for key in st.secrets}
    except Exception:  # no secrets file, or one that does not parse: none
        return {}


def _user_mapping() -> Mapping[str, Any]:
    import streamlit as st

    try:
        return dict(st.user.to_dict())
    except Exception:  # outside a session (bare mode): nobody signed in
        return {}


def current_config() -> EditingConfig:
    """The editing settings of this server."""
    return editing_config(os.environ, _secrets_mapping())


def current_access(config: EditingConfig | None = None) -> Access:
    """What this session's visitor may do on this server."""
    return access(config or current_config(), Visitor.from_user(_user_mapping()))
