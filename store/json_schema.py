"""The JSON Schema (Draft 2020-12) of the whole-file JSON export (`rehab export --format json`),
generated from the models every document is validated by, so a tool can read the export
without rehab. `docs/rehab-export.schema.json` holds it; a test keeps the two equal.
"""

from __future__ import annotations

from typing import Any

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def export_schema() -> dict[str, Any]:
    """The schema: one object per table, each `{id: document}`, documents as the models say."""
    from pydantic import TypeAdapter
    from typing_extensions import TypedDict  # pydantic needs it, not typing's, before 3.12

    from store.migrations import current_version
    from store.schema import ID_PATTERN, META_TABLE, TABLE_MODELS, Meta

    # Types made at run time from each table's model, for pydantic: a checker cannot read them.
    tables = {META_TABLE: dict[str, Meta]} | {
        n: dict[str, m]  # type: ignore[valid-type]
        for n, m in TABLE_MODELS.items()
    }
    whole = TypedDict("RehabExport", tables, total=False)  # type: ignore[misc]
    generated = TypeAdapter(whole).json_schema()
    for table in generated["properties"].values():
        table["propertyNames"] = {"pattern": f"^{ID_PATTERN.pattern}$"}  # the record ids
    return {
        "$schema": DIALECT,
        "$id": f"urn:rehab-planner:export:schema-{current_version()}",
        "title": "rehab data file, as rehab export --format json writes it",
        "description": (
            "Each table maps record ids to documents; `meta` holds the schema version. "
            "Times are local, as the person lived them, without an offset."
        ),
        "type": "object",
        "required": [META_TABLE],
        "properties": generated["properties"],
        "additionalProperties": False,
        "$defs": generated["$defs"],
    }
