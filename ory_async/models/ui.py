"""The UI of self-service flows: a form (``UiContainer``) made of nodes.

Each node's ``attributes`` depend on its ``node_type``: input, text, img, a, script or
div. A ``node_type`` this client does not know yet decodes to
:class:`UiNodeUnknownAttributes`, which keeps the raw object, so a new kind of node never
breaks reading a flow.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeAlias

import attrs

from .._markers import OpenEnum, TaggedUnion, json_key
from .common import JsonObject

__all__ = [
    "UiContainer",
    "UiNode",
    "UiNodeAnchorAttributes",
    "UiNodeAttributes",
    "UiNodeDivisionAttributes",
    "UiNodeGroup",
    "UiNodeImageAttributes",
    "UiNodeInputAttributes",
    "UiNodeInputAttributesOption",
    "UiNodeInputType",
    "UiNodeMeta",
    "UiNodeScriptAttributes",
    "UiNodeTextAttributes",
    "UiNodeType",
    "UiNodeUnknownAttributes",
    "UiText",
    "UiTextType",
]


class UiTextType(OpenEnum):
    """The kind of a UI message."""

    INFO = "info"
    ERROR = "error"
    SUCCESS = "success"


class UiNodeType(OpenEnum):
    """The kind of a UI node (mirrors ``attributes.node_type``)."""

    TEXT = "text"
    INPUT = "input"
    IMG = "img"
    A = "a"
    SCRIPT = "script"
    DIV = "div"


class UiNodeGroup(OpenEnum):
    """The method (or ``default``) a UI node belongs to."""

    DEFAULT = "default"
    PASSWORD = "password"  # noqa: S105
    OIDC = "oidc"
    PROFILE = "profile"
    LINK = "link"
    CODE = "code"
    TOTP = "totp"
    LOOKUP_SECRET = "lookup_secret"  # noqa: S105
    WEBAUTHN = "webauthn"
    PASSKEY = "passkey"
    IDENTIFIER_FIRST = "identifier_first"
    CAPTCHA = "captcha"
    SAML = "saml"
    DEVICEAUTHN = "deviceauthn"


class UiNodeInputType(OpenEnum):
    """The HTML ``type`` of an input node."""

    TEXT = "text"
    PASSWORD = "password"  # noqa: S105
    NUMBER = "number"
    CHECKBOX = "checkbox"
    HIDDEN = "hidden"
    EMAIL = "email"
    TEL = "tel"
    SUBMIT = "submit"
    BUTTON = "button"
    DATETIME_LOCAL = "datetime-local"
    DATE = "date"
    URL = "url"


@attrs.frozen(kw_only=True, slots=True)
class UiText:
    """A message or label.

    ``id`` is its stable catalogue number (for translations), ``text`` the English text,
    ``context`` the values filled into it.
    """

    id: int
    text: str | None = None
    type: UiTextType | str | None = None
    context: JsonObject | None = None


@attrs.frozen(kw_only=True, slots=True)
class UiNodeInputAttributesOption:
    """One allowed value of an input whose schema has an ``enum``."""

    value: Any = None
    label: UiText | None = None


@attrs.frozen(kw_only=True, slots=True)
class UiNodeInputAttributes:
    """An ``<input>``: ``name``, ``type`` and the current ``value`` (any JSON value)."""

    node_type: str = "input"
    name: str | None = None
    type: UiNodeInputType | str | None = None
    value: Any = None
    required: bool | None = None
    disabled: bool | None = None
    autocomplete: str | None = None
    label: UiText | None = None
    maxlength: int | None = None
    pattern: str | None = None
    options: list[UiNodeInputAttributesOption] = attrs.field(factory=list)
    onclick: str | None = None
    onclick_trigger: str | None = attrs.field(default=None, metadata=json_key("onclickTrigger"))
    onload: str | None = None
    onload_trigger: str | None = attrs.field(default=None, metadata=json_key("onloadTrigger"))


@attrs.frozen(kw_only=True, slots=True)
class UiNodeTextAttributes:
    """A block of text, e.g. the lookup secrets to write down."""

    node_type: str = "text"
    id: str | None = None
    text: UiText | None = None


@attrs.frozen(kw_only=True, slots=True)
class UiNodeImageAttributes:
    """An image, e.g. the TOTP QR code (``src`` is often a data URL)."""

    node_type: str = "img"
    id: str | None = None
    src: str | None = None
    width: int | None = None
    height: int | None = None


@attrs.frozen(kw_only=True, slots=True)
class UiNodeAnchorAttributes:
    """A link."""

    node_type: str = "a"
    id: str | None = None
    href: str | None = None
    title: UiText | None = None


@attrs.frozen(kw_only=True, slots=True)
class UiNodeScriptAttributes:
    """A ``<script>`` to load (WebAuthn, passkeys); ``async_`` is the JSON key ``async``."""

    node_type: str = "script"
    id: str | None = None
    src: str | None = None
    type: str | None = None
    async_: bool | None = attrs.field(default=None, metadata=json_key("async"))
    referrerpolicy: str | None = None
    crossorigin: str | None = None
    integrity: str | None = None
    nonce: str | None = None


@attrs.frozen(kw_only=True, slots=True)
class UiNodeDivisionAttributes:
    """A ``<div>`` section; ``class_`` is the JSON key ``class``."""

    node_type: str = "div"
    id: str | None = None
    class_: str | None = attrs.field(default=None, metadata=json_key("class"))
    data: JsonObject | None = None


@attrs.frozen(kw_only=True, slots=True)
class UiNodeUnknownAttributes:
    """Attributes of a ``node_type`` this client does not know; ``raw`` is the whole object."""

    node_type: str
    raw: JsonObject


UiNodeAttributes: TypeAlias = Annotated[
    UiNodeInputAttributes
    | UiNodeTextAttributes
    | UiNodeImageAttributes
    | UiNodeAnchorAttributes
    | UiNodeScriptAttributes
    | UiNodeDivisionAttributes
    | UiNodeUnknownAttributes,
    TaggedUnion(
        tag="node_type",
        variants={
            "input": UiNodeInputAttributes,
            "text": UiNodeTextAttributes,
            "img": UiNodeImageAttributes,
            "a": UiNodeAnchorAttributes,
            "script": UiNodeScriptAttributes,
            "div": UiNodeDivisionAttributes,
        },
        fallback=UiNodeUnknownAttributes,
    ),
]
"""The attributes of a node, chosen by their ``node_type``."""


@attrs.frozen(kw_only=True, slots=True)
class UiNodeMeta:
    """Extra information about a node, such as its label."""

    label: UiText | None = None


@attrs.frozen(kw_only=True, slots=True)
class UiNode:
    """One element of a flow's form."""

    attributes: UiNodeAttributes
    type: UiNodeType | str | None = None
    group: UiNodeGroup | str | None = None
    messages: list[UiText] = attrs.field(factory=list)
    meta: UiNodeMeta | None = None


@attrs.frozen(kw_only=True, slots=True)
class UiContainer:
    """A flow's form: where to submit it (``action``, ``method``), its nodes and messages.

    Flows stored by old versions have ``"nodes": null``; that decodes as ``[]``.
    """

    action: str | None = None
    method: str | None = None
    nodes: list[UiNode] = attrs.field(factory=list)
    messages: list[UiText] = attrs.field(factory=list)
