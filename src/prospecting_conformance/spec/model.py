"""The OpenAPI spec as the suite reads it: operations, scopes, error codes, response schemas.

Everything the tests need to know about the API comes from `openapi/prospecting-api.yaml`
through this module, so that the permission matrix, the documented status codes and the error
codes are never written down a second time in a test.

The package carries the spec as package data: `openapi/` beside this module is a link to the
repository's `openapi/` folder (the file people edit and lint), which setuptools follows when
it builds a wheel, so an installed suite finds the same spec a checkout does.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from prospecting_conformance.spec.roles import WRITE_SCOPE

__all__ = [
    "DEFAULT_SPEC_PATH",
    "OPENAPI_DIR",
    "SPEC_VAR",
    "HeaderSpec",
    "OperationSpec",
    "ResponseSpec",
    "Spec",
    "load_spec",
]

# Installed from a wheel or run from a checkout, the package is a folder, so its data are files.
OPENAPI_DIR = Path(str(resources.files("prospecting_conformance.spec") / "openapi"))
DEFAULT_SPEC_PATH = OPENAPI_DIR / "prospecting-api.yaml"
# Read here, where the spec is loaded, so every layer above loads the same one; the settings
# (target/settings.py) list it with the other names a run reads.
SPEC_VAR = "PROSPECTING_SPEC"
SPEC_URI = "urn:prospecting-api"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


# RFC 9110 §9.2.2.
IDEMPOTENT_METHODS = frozenset({"get", "head", "options", "put", "delete"})


@dataclass(frozen=True)
class HeaderSpec:
    name: str
    required: bool
    pointer: str


@dataclass(frozen=True)
class ResponseSpec:
    status: int
    description: str
    provenance: str
    error_code: str | None
    schema_pointer: str | None
    headers: Mapping[str, HeaderSpec]
    example: Any = None


@dataclass(frozen=True)
class OperationSpec:
    operation_id: str
    method: str
    path: str
    provenance: str
    required_scopes: frozenset[str]
    responses: Mapping[int, ResponseSpec]
    path_parameters: tuple[str, ...]
    has_body: bool
    # Whether sending it twice does what sending it once does (RFC 9110 §9.2.2): the
    # method's own semantics, or the spec's `x-idempotent` (cancel, I8).
    idempotent: bool = False
    # Path parameter -> the JSON pointer where a 2xx body carries that id back (`x-identity`).
    identities: Mapping[str, str] = field(default_factory=dict)
    _path_regex: re.Pattern[str] = field(repr=False, compare=False, default=re.compile(""))

    def url(self, base_url: str, **params: str) -> str:
        """The operation's URL with its path parameters filled in (percent-encoded)."""
        path = self.path
        for name in self.path_parameters:
            path = path.replace("{" + name + "}", quote(params[name], safe=""))
        return base_url.rstrip("/") + path

    @property
    def writes(self) -> bool:
        """Whether it needs prospecting:write (D5): it starts or cancels a job."""
        return WRITE_SCOPE in self.required_scopes

    def matches(self, method: str, path: str) -> bool:
        return method.lower() == self.method and self._path_regex.fullmatch(path) is not None

    @cached_property
    def _named_path(self) -> re.Pattern[str]:
        named = re.sub(r"\\\{([^/]+?)\\\}", r"(?P<\1>[^/]+)", re.escape(self.path))
        return re.compile(named + "$")

    def path_values(self, url: str) -> dict[str, str] | None:
        """The path parameters a URL of this operation names, decoded; None if it is not one.

        The URL's path may start with the target's own prefix (`https://host/api/v1/...`).
        """
        found = self._named_path.search(urlsplit(url).path)
        if found is None:
            return None
        return {name: unquote(value) for name, value in found.groupdict().items()}


class Spec:
    """A loaded spec; validation resolves `$ref`s against the whole document."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self._registry: Registry[Any] = Registry().with_resource(
            SPEC_URI, Resource.from_contents(document, default_specification=DRAFT202012)
        )
        self.operations: dict[str, OperationSpec] = {
            op.operation_id: op for op in self._read_operations()
        }
        # One validator per schema pointer: building one (and resolving its `$ref` chain) cost
        # more than validating a typical response (bench/README.md).
        self._validators: dict[str, Draft202012Validator] = {}

    def operation(self, operation_id: str) -> OperationSpec:
        return self.operations[operation_id]

    @cached_property
    def write_operations(self) -> frozenset[str]:
        """The ids of the operations that write: off limits unless the target allows writes."""
        return frozenset(op.operation_id for op in self.operations.values() if op.writes)

    def match(self, method: str, path: str) -> OperationSpec | None:
        """The operation serving this method and path, if the spec has one."""
        return next((op for op in self.operations.values() if op.matches(method, path)), None)

    def raw_operation(self, operation: OperationSpec) -> dict[str, Any]:
        """The operation's object as the document holds it (links, extensions)."""
        node: dict[str, Any] = self.resolve(f"/paths/{_escape(operation.path)}/{operation.method}")
        return node

    def resolve(self, pointer: str) -> Any:
        node: Any = self.document
        for token in pointer.lstrip("/").split("/"):
            node = node[token.replace("~1", "/").replace("~0", "~")]
        return node

    def validation_errors(self, pointer: str, instance: Any) -> list[str]:
        """Why `instance` does not match the schema at `pointer` (empty when it does)."""
        errors = sorted(
            self._validator(pointer).iter_errors(instance), key=lambda e: list(e.absolute_path)
        )
        return [
            f"{'/'.join(str(p) for p in e.absolute_path) or '<root>'}: {e.message}" for e in errors
        ]

    def _validator(self, pointer: str) -> Draft202012Validator:
        validator = self._validators.get(pointer)
        if validator is None:
            # Validators are immutable, so one shared by threads (the stateful engine's) is safe.
            validator = Draft202012Validator(
                {"$ref": f"{SPEC_URI}#{self._schema_target(pointer)}"},
                registry=self._registry,
                format_checker=Draft202012Validator.FORMAT_CHECKER,
            )
            self._validators[pointer] = validator
        return validator

    def _schema_target(self, pointer: str) -> str:
        """Where the schema at `pointer` leads when it is nothing but a `$ref` (every response
        body schema is: `{"$ref": "#/components/schemas/..."}`), else `pointer` itself.

        A validator resolves its root `$ref` anew on every instance, walking the document
        along the pointer: starting from the component skips the long walk through
        `/paths/...` (about a tenth of validating a response). A schema with keywords beside
        its `$ref` is kept whole, since those keywords apply too.
        """
        seen = {pointer}
        node = self.resolve(pointer)
        while isinstance(node, dict) and node.keys() == {"$ref"}:
            ref = node["$ref"]
            target = ref.removeprefix("#")
            if not ref.startswith("#/") or target in seen:
                break  # another document, or a cycle: left to the validator, as before
            try:
                node = self.resolve(target)
            except (KeyError, IndexError, TypeError):
                break  # a pointer only `referencing` reads (percent-encoded, say)
            seen.add(target)
            pointer = target
        return pointer

    def _deref(self, node: dict[str, Any], pointer: str) -> tuple[dict[str, Any], str]:
        while "$ref" in node:
            pointer = node["$ref"].removeprefix("#")
            node = self.resolve(pointer)
        return node, pointer

    def _read_operations(self) -> list[OperationSpec]:
        operations = []
        for path, item in self.document["paths"].items():
            shared_params = item.get("parameters", [])
            for method in HTTP_METHODS:
                if method not in item:
                    continue
                op = item[method]
                base = f"/paths/{_escape(path)}/{method}"
                params = [
                    self._deref(p, "")[0] for p in [*shared_params, *op.get("parameters", [])]
                ]
                path_params = tuple(p["name"] for p in params if p["in"] == "path")
                identities = {
                    p["name"]: p["x-identity"]
                    for p in params
                    if p["in"] == "path" and "x-identity" in p
                }
                regex = re.compile(re.sub(r"\{[^}]+\}", "[^/]+", path))
                operations.append(
                    OperationSpec(
                        operation_id=op["operationId"],
                        method=method,
                        path=path,
                        provenance=op["x-provenance"],
                        required_scopes=frozenset(op.get("x-required-scopes", [])),
                        responses=self._read_responses(op["responses"], f"{base}/responses"),
                        path_parameters=path_params,
                        has_body="requestBody" in op,
                        idempotent=method in IDEMPOTENT_METHODS or bool(op.get("x-idempotent")),
                        identities=identities,
                        _path_regex=regex,
                    )
                )
        return operations

    def _read_responses(self, responses: dict[str, Any], base: str) -> dict[int, ResponseSpec]:
        read = {}
        for status, raw in responses.items():
            response, pointer = self._deref(raw, f"{base}/{status}")
            media = response.get("content", {}).get("application/json")
            headers = {}
            for name, header in response.get("headers", {}).items():
                resolved, header_pointer = self._deref(header, f"{pointer}/headers/{_escape(name)}")
                headers[name.lower()] = HeaderSpec(
                    name=name,
                    required=bool(resolved.get("required")),
                    pointer=f"{header_pointer}/schema",
                )
            read[int(status)] = ResponseSpec(
                status=int(status),
                description=response["description"],
                provenance=response["x-provenance"],
                error_code=response.get("x-error-code"),
                schema_pointer=f"{pointer}/content/application~1json/schema" if media else None,
                headers=headers,
                example=media.get("example") if media else None,
            )
        return read


def load_spec(path: str | os.PathLike[str] | None = None) -> Spec:
    """Load the spec from `path`, `$PROSPECTING_SPEC`, or the project's `openapi/` file."""
    chosen = Path(path or os.environ.get(SPEC_VAR) or DEFAULT_SPEC_PATH)
    return _load_cached(chosen.resolve())


@cache
def _load_cached(path: Path) -> Spec:
    with path.open(encoding="utf-8") as handle:
        return Spec(yaml.safe_load(handle))
