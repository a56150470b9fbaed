"""The catalog: what the five source articles taught us, as validated data.

`load_catalog()` reads the TOML files in `seeds/data/` and returns a `planner.models.Catalog`.
A broken file fails with a `CatalogError` naming the file, the entry id and the field.
"""

from seeds.loader import CatalogError, load_catalog

__all__ = ["CatalogError", "load_catalog"]
