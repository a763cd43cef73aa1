"""Forms from an interrupt's `response_schema`: fields, typed-text coercion and validation.

Pure code. An object schema becomes one `FormField` per top-level property, in schema
order; the text a person types for a field becomes a value of the property's type; values
are checked with the `jsonschema` package (the same rules the graph's schema states).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

_TRUE = ("y", "yes", "true", "t", "1", "on")
_FALSE = ("n", "no", "false", "f", "0", "off")


class FieldProblem(ValueError):
    """A typed value does not fit its field; the message says why, for a person."""


class _Missing:
    """The marker for "leave this optional field out"."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
"""Returned by `FormField.parse` for an empty optional field without a default."""


def resolve_ref(schema: Mapping[str, Any], root: Mapping[str, Any]) -> Mapping[str, Any]:
    """`schema` with a local `$ref` (`#/$defs/X`) followed; other schemas unchanged."""
    seen = 0
    while isinstance(schema.get("$ref"), str) and seen < 20:
        ref: str = schema["$ref"]
        if not ref.startswith("#/"):
            break
        target: Any = root
        for part in ref[2:].split("/"):
            target = target.get(part) if isinstance(target, Mapping) else None
        if not isinstance(target, Mapping):
            break
        siblings = {k: v for k, v in schema.items() if k != "$ref"}
        schema = {**target, **siblings}
        seen += 1
    return schema


def _non_null_variant(schema: Mapping[str, Any], root: Mapping[str, Any]) -> tuple[Any, bool]:
    """For `anyOf: [X, {"type": "null"}]` (Pydantic's Optional): X and True."""
    variants = schema.get("anyOf") or schema.get("oneOf")
    if not isinstance(variants, list):
        return schema, False
    resolved = [resolve_ref(v, root) for v in variants if isinstance(v, Mapping)]
    others = [v for v in resolved if v.get("type") != "null"]
    nullable = len(others) < len(resolved)
    if len(others) == 1:
        merged = {k: v for k, v in schema.items() if k not in ("anyOf", "oneOf")}
        return {**others[0], **merged}, nullable
    return schema, nullable


def _type_of(schema: Mapping[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        kind = kinds[0] if len(kinds) == 1 else None
    if isinstance(kind, str):
        return kind
    if "const" in schema:
        return "const"
    return None


def is_form_schema(schema: Mapping[str, Any] | None) -> bool:
    """True for an object schema with properties: one that can be asked as a form."""
    if not isinstance(schema, Mapping):
        return False
    resolved = resolve_ref(schema, schema)
    properties = resolved.get("properties")
    return (
        resolved.get("type", "object") == "object"
        and isinstance(properties, Mapping)
        and bool(properties)
    )


@dataclass(frozen=True)
class FormField:
    """One top-level property of a form: what to ask, and how to read the answer."""

    name: str
    schema: Mapping[str, Any]
    root: Mapping[str, Any]
    required: bool
    nullable: bool = False

    @property
    def title(self) -> str:
        """The property's title, else its name."""
        title = self.schema.get("title")
        return title if isinstance(title, str) and title else self.name

    @property
    def description(self) -> str | None:
        """The property's description, if any."""
        text = self.schema.get("description")
        return text if isinstance(text, str) and text else None

    @property
    def kind(self) -> str:
        """`string`, `integer`, `number`, `boolean`, `enum`, `object`, `array` or `json`."""
        if isinstance(self.schema.get("enum"), list):
            return "enum"
        return _type_of(self.schema) or "json"

    @property
    def choices(self) -> tuple[Any, ...]:
        """The allowed values of an enum field."""
        enum = self.schema.get("enum")
        return tuple(enum) if isinstance(enum, list) else ()

    @property
    def has_default(self) -> bool:
        """True when the schema gives a default."""
        return "default" in self.schema

    @property
    def default(self) -> Any:
        """The schema's default (None when there is none)."""
        return self.schema.get("default")

    @property
    def type_label(self) -> str:
        """A short description of the expected value, e.g. `integer ≥ 1`, `y/n`."""
        kind = self.kind
        if kind == "enum":
            return " / ".join(str(c) for c in self.choices)
        if kind == "boolean":
            return "y/n"
        label = {"object": "JSON object", "array": "JSON array", "json": "JSON"}.get(kind, kind)
        low, high = self.schema.get("minimum"), self.schema.get("maximum")
        low_x, high_x = self.schema.get("exclusiveMinimum"), self.schema.get("exclusiveMaximum")
        bounds = []
        if isinstance(low, int | float):
            bounds.append(f"≥ {low}")
        if isinstance(low_x, int | float):
            bounds.append(f"> {low_x}")
        if isinstance(high, int | float):
            bounds.append(f"≤ {high}")
        if isinstance(high_x, int | float):
            bounds.append(f"< {high_x}")
        return " ".join([label, *bounds])

    def parse(self, text: str) -> Any:
        """The value typed `text` stands for; raises `FieldProblem` saying why it does not fit.

        An empty answer takes the default, leaves an optional field out (`MISSING`), or
        is refused for a required one.
        """
        stripped = text.strip()
        if not stripped:
            if self.has_default:
                return self.default
            if not self.required:
                return MISSING
            if self.nullable:
                return None
            raise FieldProblem(f"{self.name} is required.")
        value = self._convert(stripped, text)
        problem = value_problem(self.schema, value, self.root)
        if problem is not None:
            raise FieldProblem(f"{self.name}: {problem}")
        return value

    def _convert(self, stripped: str, text: str) -> Any:
        kind = self.kind
        if kind == "boolean":
            if stripped.lower() in _TRUE:
                return True
            if stripped.lower() in _FALSE:
                return False
            raise FieldProblem(f"{self.name}: answer y or n.")
        if kind == "integer":
            try:
                return int(stripped)
            except ValueError:
                raise FieldProblem(f"{self.name}: {stripped!r} is not a whole number.") from None
        if kind == "number":
            try:
                number = float(stripped)
            except ValueError:
                raise FieldProblem(f"{self.name}: {stripped!r} is not a number.") from None
            return int(number) if number.is_integer() and "." not in stripped else number
        if kind == "enum":
            return self._choice(stripped)
        if kind == "string":
            return text
        try:
            return json.loads(stripped)
        except json.JSONDecodeError as exc:
            if kind in ("object", "array"):
                raise FieldProblem(f"{self.name}: not valid JSON ({exc.msg}).") from None
            return text

    def _choice(self, typed: str) -> Any:
        names = [str(c) for c in self.choices]
        picked = pick_choice(names, typed)
        if picked is None:
            raise FieldProblem(f"{self.name}: {choice_problem(names, typed)}")
        return self.choices[names.index(picked)]

    def text_of(self, value: Any) -> str:
        """`value` as a person would type it for this field (to offer it for editing)."""
        if value is MISSING or value is None:
            return ""
        if self.kind == "boolean" and isinstance(value, bool):
            return "y" if value else "n"
        if isinstance(value, str) and self.kind in ("string", "enum"):
            return value
        return json.dumps(value, ensure_ascii=False)


def pick_choice(names: Sequence[str], typed: str) -> str | None:
    """The choice `typed` selects: its name, or a prefix (the first letter) only it has.

    Case-insensitive. Returns None when nothing, or more than one choice, matches.
    """
    wanted = typed.strip().lower()
    if not wanted:
        return None
    for name in names:
        if name.lower() == wanted:
            return name
    matches = [name for name in names if name.lower().startswith(wanted)]
    return matches[0] if len(matches) == 1 else None


def choice_problem(names: Sequence[str], typed: str) -> str:
    """Why `typed` selects none of `names`: it could be several, or it is none of them."""
    wanted = typed.strip().lower()
    clash = [name for name in names if wanted and name.lower().startswith(wanted)]
    if len(clash) > 1:
        return f"{typed.strip()!r} could be {' or '.join(clash)}; type more letters."
    return f"choose one of {', '.join(names)}."


def form_fields(schema: Mapping[str, Any]) -> list[FormField]:
    """The fields of an object schema, in schema order."""
    root = schema
    resolved = resolve_ref(schema, root)
    properties = resolved.get("properties")
    if not isinstance(properties, Mapping):
        return []
    required = resolved.get("required")
    required_names = (
        {name for name in required if isinstance(name, str)}
        if isinstance(required, list)
        else set()
    )
    fields = []
    for name, raw in properties.items():
        prop = resolve_ref(raw if isinstance(raw, Mapping) else {}, root)
        prop, nullable = _non_null_variant(prop, root)
        fields.append(
            FormField(
                name=str(name),
                schema=prop,
                root=root,
                required=name in required_names,
                nullable=nullable,
            )
        )
    return fields


def form_value(values: Mapping[str, Any]) -> dict[str, Any]:
    """The form's answer: the fields' values, without the ones left out."""
    return {name: value for name, value in values.items() if value is not MISSING}


def _describe(error: ValidationError) -> str:
    path = ".".join(str(part) for part in error.absolute_path)
    return f"{path}: {error.message}" if path else error.message


def value_problem(
    schema: Mapping[str, Any], value: Any, root: Mapping[str, Any] | None = None
) -> str | None:
    """Why `value` does not fit `schema` (one line, the most relevant error), or None.

    `root` is the document `$ref`s point into (for a property schema, the whole form's).
    jsonschema is imported here, on first use: it is most of what importing this module
    (and `interrupts`, which every listing uses) would otherwise cost.
    """
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError, best_match
    from referencing.exceptions import Unresolvable

    full: dict[str, Any] = dict(schema)
    if root is not None and root is not schema and "$defs" in root and "$defs" not in full:
        full["$defs"] = root["$defs"]
    try:
        validator = Draft202012Validator(full)
        error = best_match(validator.iter_errors(value))
    except (SchemaError, Unresolvable, re.error, TypeError, ValueError):
        return (
            None  # a schema we cannot use (bad pattern, bad keyword value) is not the user's fault
        )
    return None if error is None else _describe(error)
