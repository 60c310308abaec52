"""Checks that the spec still says what the docs page says.

The spec in `openapi/` is a transcription; this module reads the verbatim docs page kept
beside it and lists every place where the spec lost or changed a documented fact: the path
and its parameter, each documented status code with its description and schema, each
documented example (it must validate against the spec's schema for its status), and the
three documented permissions (D5).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prospecting_conformance.spec.model import OPENAPI_DIR, Spec

__all__ = ["DOCS_PAGE", "DocsPage", "fidelity_problems", "load_docs_page", "read_docs_page"]

DOCS_PAGE = OPENAPI_DIR / "docs" / "list-sales-navigator-saved-searches.txt"

# Which operations each documented permission phrase covers. The docs speak of "source and job
# reads", "provider-id lookup" and "starting or cancelling jobs"; this is our one reading of them.
PERMISSION_PHRASES: dict[str, frozenset[str]] = {
    "source and job reads": frozenset({"listSalesNavigatorSavedSearches", "getProspectingJob"}),
    "provider-id lookup": frozenset({"getProspectByProviderId"}),
    "starting or cancelling jobs": frozenset({"startProspectingJob", "cancelProspectingJob"}),
}

# The async operations the docs name, by the path suffix they give.
ASYNC_OPERATIONS: dict[tuple[str, str], str] = {
    ("post", "/prospecting"): "startProspectingJob",
    ("get", "/prospecting/{jobId}"): "getProspectingJob",
    ("post", "/prospecting/{jobId}/cancel"): "cancelProspectingJob",
}


@dataclass(frozen=True)
class DocumentedResponse:
    status: int
    description: str
    schema_name: str
    example: Any


@dataclass(frozen=True)
class DocsPage:
    path: str
    path_parameters: tuple[tuple[str, str, bool], ...]  # name, type, required
    responses: tuple[DocumentedResponse, ...]
    permissions: dict[str, str]  # phrase -> scope
    async_statement: str


def read_docs_page(text: str) -> DocsPage:
    """Parse the docs page (as copied verbatim from the API reference) into its facts."""
    # The page runs the path into the next heading: "...saved-searchesSaved-search source IDs".
    path_match = re.search(r"^(/v1(?:/(?:\{\w+\}|[a-z0-9-]+))+)", text, re.MULTILINE)
    if not path_match:
        raise ValueError("docs page: no /v1/ path found")
    parameters = tuple(
        (name, kind.lower(), True)
        for name, kind in re.findall(r"^(\w+)PathType: (\w+)$", text, re.MULTILINE)
    )
    section = text.split("\nResponses\n", 1)[1].split("\nResponse examples\n", 1)[0]
    described = re.findall(r"^(.+)\nSchema: (\w+)$", section, re.MULTILINE)
    examples = _examples(text)
    if len(described) != len(examples):
        raise ValueError(
            f"docs page: {len(described)} responses described but {len(examples)} examples"
        )
    responses = tuple(
        DocumentedResponse(status, description, schema, example)
        for (description, schema), (status, example_schema, example) in zip(
            described, examples, strict=True
        )
        if example_schema == schema
    )
    if len(responses) != len(described):
        raise ValueError("docs page: response schemas and example schemas disagree in order")
    permissions_line = text.split("\nPermissions\n", 1)[1].splitlines()[0]
    permissions = {
        phrase.strip(): scope
        for scope, phrase in re.findall(
            r"(\w+:\w+) for ([^,.]+?)(?:,|\.|$)", permissions_line.replace(", and ", ", ")
        )
    }
    async_statement = text.split("\nAsync\n", 1)[1].splitlines()[0]
    return DocsPage(path_match.group(1), parameters, responses, permissions, async_statement)


def _examples(text: str) -> list[tuple[int, str, Any]]:
    decoder = json.JSONDecoder()
    found = []
    for match in re.finditer(r"(\d{3}) Example JSON(\w+)\n", text):
        body, _ = decoder.raw_decode(text, match.end())
        found.append((int(match.group(1)), match.group(2), body))
    return found


def fidelity_problems(spec: Spec, docs: DocsPage) -> list[str]:
    """Every documented fact the spec lost or contradicts; empty when faithful."""
    problems: list[str] = []
    operation = next(
        (op for op in spec.operations.values() if (op.method, op.path) == ("get", docs.path)),
        None,
    )
    if operation is None:
        return [f"documented path GET {docs.path} is missing from the spec"]
    problems += _parameter_problems(spec, operation.path, docs)
    for documented in docs.responses:
        where = f"{operation.operation_id} {documented.status}"
        response = operation.responses.get(documented.status)
        if response is None:
            problems.append(f"{where}: documented response '{documented.description}' is missing")
            continue
        if response.description != documented.description:
            problems.append(
                f"{where}: description {response.description!r}, "
                f"documented {documented.description!r}"
            )
        if response.provenance != "documented":
            problems.append(f"{where}: documented response marked {response.provenance!r}")
        if response.schema_pointer is None:
            problems.append(f"{where}: no application/json schema")
            continue
        schema_ref = spec.resolve(response.schema_pointer).get("$ref", "")
        if not schema_ref.endswith(f"/{documented.schema_name}"):
            problems.append(f"{where}: schema {schema_ref!r}, documented {documented.schema_name}")
        for error in spec.validation_errors(response.schema_pointer, documented.example):
            problems.append(f"{where}: documented example does not validate: {error}")
    problems += _permission_problems(spec, docs)
    problems += _async_problems(spec, docs)
    return problems


def _parameter_problems(spec: Spec, path: str, docs: DocsPage) -> list[str]:
    declared = {
        p["name"]: p
        for p in (
            spec.resolve(r["$ref"].removeprefix("#")) if "$ref" in r else r
            for r in spec.document["paths"][path].get("parameters", [])
        )
    }
    problems = []
    for name, kind, required in docs.path_parameters:
        param = declared.get(name)
        if param is None or param.get("in") != "path":
            problems.append(f"path parameter {name} is missing")
            continue
        if param.get("schema", {}).get("type") != kind or bool(param.get("required")) != required:
            problems.append(f"path parameter {name}: not a required {kind}")
    return problems


def _permission_problems(spec: Spec, docs: DocsPage) -> list[str]:
    problems = []
    if set(docs.permissions) != set(PERMISSION_PHRASES):
        problems.append(f"docs permission phrases changed: {sorted(docs.permissions)}")
    for phrase, scope in docs.permissions.items():
        for operation_id in sorted(PERMISSION_PHRASES.get(phrase, ())):
            operation = spec.operations.get(operation_id)
            if operation is None:
                problems.append(f"{operation_id}: missing, documented with {scope!r}")
            elif (scopes := operation.required_scopes) != {scope}:
                problems.append(
                    f"{operation_id}: x-required-scopes {sorted(scopes)}, documented {scope!r}"
                )
    return problems


def _async_problems(spec: Spec, docs: DocsPage) -> list[str]:
    problems = []
    for (method, suffix), operation_id in ASYNC_OPERATIONS.items():
        if f"{method.upper()} {suffix}" not in docs.async_statement:
            problems.append(f"docs no longer name {method.upper()} {suffix}")
        operation = spec.operations.get(operation_id)
        if operation is None or operation.method != method or not operation.path.endswith(suffix):
            problems.append(
                f"{method.upper()} .../{suffix.lstrip('/')} is missing as {operation_id}"
            )
    start = spec.operations.get("startProspectingJob")
    if "202 Accepted" in docs.async_statement and (start is None or 202 not in start.responses):
        problems.append("startProspectingJob: documented 202 Accepted is missing")
    return problems


def load_docs_page(path: Path = DOCS_PAGE) -> DocsPage:
    return read_docs_page(path.read_text(encoding="utf-8"))
