"""The key that signs admin logins, readers' passes and personal links, when the environment gives none.

A key made per process would void every personal link `flask links create` prints (another process)
and every reader's pass at each restart; so it is made once and kept in the instance folder.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

KEY_FILE = "secret_key"


def instance_secret_key(instance_dir: Path) -> str:
    """The key kept in `instance_dir/secret_key`, made on first use (readable by its owner only)."""
    path = Path(instance_dir) / KEY_FILE
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    key = secrets.token_hex(32)
    try:
        # O_EXCL: two processes starting at once agree on the first one's key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key
