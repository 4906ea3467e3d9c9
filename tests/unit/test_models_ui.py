from __future__ import annotations

from typing import Any

import orjson
import pytest

from ory_async import _serde
from ory_async.errors import DecodeError
from ory_async.models import (
    FlowState,
    LoginFlow,
    UiContainer,
    UiNode,
    UiNodeAnchorAttributes,
    UiNodeDivisionAttributes,
    UiNodeGroup,
    UiNodeImageAttributes,
    UiNodeInputAttributes,
    UiNodeInputType,
    UiNodeScriptAttributes,
    UiNodeTextAttributes,
    UiNodeType,
    UiNodeUnknownAttributes,
    V0Flow,
    V0FlowError,
)

ATTRIBUTES: list[tuple[dict[str, Any], type[Any]]] = [
    (
        {
            "node_type": "input",
            "name": "identifier",
            "type": "text",
            "value": "",
            "required": True,
            "disabled": False,
            "onclickTrigger": "oryWebAuthnLogin",
            "options": [{"value": 1, "label": {"id": 1, "text": "One", "type": "info"}}],
        },
        UiNodeInputAttributes,
    ),
    ({"node_type": "text", "id": "codes", "text": {"id": 1, "text": "a b"}}, UiNodeTextAttributes),
    (
        {"node_type": "img", "id": "qr", "src": "data:", "width": 256, "height": 256},
        UiNodeImageAttributes,
    ),
    (
        {"node_type": "a", "id": "l", "href": "https://x", "title": {"id": 2, "text": "t"}},
        UiNodeAnchorAttributes,
    ),
    (
        {
            "node_type": "script",
            "id": "webauthn",
            "src": "/.well-known/ory/webauthn.js",
            "async": True,
            "referrerpolicy": "no-referrer",
            "crossorigin": "anonymous",
            "integrity": "sha512-x",
            "type": "text/javascript",
            "nonce": "n",
        },
        UiNodeScriptAttributes,
    ),
    (
        {"node_type": "div", "id": "captcha", "class": "c", "data": {"k": "v"}},
        UiNodeDivisionAttributes,
    ),
]


@pytest.mark.parametrize(("data", "cls"), ATTRIBUTES, ids=lambda v: getattr(v, "__name__", ""))
@pytest.mark.parametrize("strict", [False, True])
def test_attributes_decode_by_node_type_and_encode_back(
    data: dict[str, Any], cls: type[Any], strict: bool
) -> None:
    node = _serde.decode(
        orjson.dumps({"type": data["node_type"], "group": "default", "attributes": data}),
        UiNode,
        strict=strict,
    )
    assert type(node.attributes) is cls
    assert orjson.loads(_serde.encode(node.attributes))  # plain encode works too
    assert _serde.unstructure(node)["attributes"] == data


def test_renamed_keys_are_python_names() -> None:
    script = _serde.structure({"node_type": "script", "async": True}, UiNodeScriptAttributes)
    assert script.async_ is True
    div = _serde.structure({"node_type": "div", "class": "x"}, UiNodeDivisionAttributes)
    assert div.class_ == "x"
    inp = _serde.structure({"node_type": "input", "onloadTrigger": "t"}, UiNodeInputAttributes)
    assert inp.onload_trigger == "t"


def test_unknown_node_type_keeps_the_raw_object() -> None:
    raw = {"node_type": "video", "src": "https://x/v.mp4", "autoplay": True}
    node = _serde.decode(
        orjson.dumps({"type": "video", "group": "default", "attributes": raw}),
        UiNode,
        strict=True,
    )
    assert node.type == "video"
    assert node.attributes == UiNodeUnknownAttributes(node_type="video", raw=raw)
    assert _serde.unstructure(node)["attributes"] == raw


def test_missing_node_type_is_kept_as_unknown() -> None:
    node = _serde.structure({"attributes": {"name": "x"}}, UiNode)
    assert node.attributes == UiNodeUnknownAttributes(node_type="", raw={"name": "x"})


def test_unknown_attribute_keys_are_ignored_outside_strict_mode() -> None:
    data = b'{"attributes": {"node_type": "input", "name": "x", "new_key": 1}}'
    node = _serde.decode(data, UiNode)
    assert isinstance(node.attributes, UiNodeInputAttributes)
    with pytest.raises(DecodeError, match=r"attributes.*new_key"):
        _serde.decode(data, UiNode, strict=True)


def test_attributes_that_are_not_an_object_are_a_decode_error() -> None:
    with pytest.raises(DecodeError, match="attributes"):
        _serde.decode(b'{"attributes": "input"}', UiNode)


def test_node_enums() -> None:
    node = _serde.structure(
        {
            "type": "input",
            "group": "captcha",
            "attributes": {"node_type": "input", "type": "color"},
        },
        UiNode,
    )
    assert node.type is UiNodeType.INPUT
    assert node.group is UiNodeGroup.CAPTCHA
    assert isinstance(node.attributes, UiNodeInputAttributes)
    assert node.attributes.type == "color"
    assert not isinstance(node.attributes.type, UiNodeInputType)


def test_null_nodes_from_migrated_flows_become_empty() -> None:
    flow = _serde.decode(
        b'{"id":"f","state":"choose_method","ui":{"action":"","method":"","nodes":null}}',
        LoginFlow,
    )
    assert flow.ui == UiContainer(action="", method="", nodes=[])
    assert flow.state is FlowState.CHOOSE_METHOD


def test_v0_flow_methods_and_error_container() -> None:
    flow = _serde.decode(
        orjson.dumps(
            {
                "id": "f",
                "type": "browser",
                "methods": {
                    "password": {
                        "method": "password",
                        "config": {
                            "action": "https://x",
                            "method": "POST",
                            "fields": [{"name": "identifier", "type": "text", "required": True}],
                        },
                    }
                },
            }
        ),
        V0Flow,
        strict=True,
    )
    assert flow.methods is not None
    config = flow.methods["password"].config
    assert config is not None
    assert config.fields[0].name == "identifier"
    container = _serde.decode(
        b'{"id":"e","errors":[{"code":500,"message":"boom"}]}', V0FlowError, strict=True
    )
    assert container.errors == [{"code": 500, "message": "boom"}]
