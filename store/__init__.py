"""Persistence: one private, crash-safe TinyDB file per user, a single writer, backups, migrations.

`store` never imports `textual`. The usual entry point is `Repository.open(path, clock=...)`.
"""

from store.backups import Backup, list_backups, newest_backup
from store.errors import DataFileError, FileLockedError, NewerSchemaError, StoreError
from store.migrations import current_version
from store.paths import default_data_path, resolve_data_path
from store.repository import Repository, backup, prepare_to_write, restore, write_documents
from store.schema import Meta

__all__ = [
    "Backup",
    "DataFileError",
    "FileLockedError",
    "Meta",
    "NewerSchemaError",
    "Repository",
    "backup",
    "StoreError",
    "current_version",
    "default_data_path",
    "list_backups",
    "newest_backup",
    "prepare_to_write",
    "resolve_data_path",
    "restore",
    "write_documents",
]
