"""The settings of ``iokg serve``: where it listens, what it serves, and its bounds."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kg.namespaces import BASE

#: The environment variable holding the bearer token that SPARQL Update requests must carry.
UPDATE_TOKEN_VARIABLE = "IOKG_UPDATE_TOKEN"


@dataclass(frozen=True)
class Settings:
    """How a server runs. Every bound has a default, so a server is safe as started."""

    host: str = "127.0.0.1"
    port: int = 7878
    data_dir: Path | None = None
    store: str | None = None
    #: seconds a query (or a Linked Data page) may run before it is stopped and answered 503
    timeout: float = 30.0
    #: rows (or triples) a result holds at most; a longer result is cut and says so
    max_rows: int = 10_000
    #: the server's own public address, onto which the IRIs under ``public_base`` are mapped
    base: str | None = None
    #: the base of iokg's IRIs (``https://w3id.org/iokg/``)
    public_base: str = BASE
    allow_update: bool = False
    #: request bodies larger than this are refused (413)
    max_body: int = 1_000_000
    #: query (or update) texts longer than this are refused (413)
    max_query: int = 100_000
    #: queries run at once; more wait in a queue
    max_concurrent: int = max(2, os.cpu_count() or 2)
    #: queries waiting at once; more are answered 503 at once
    max_queued: int = 32
    #: the address space (bytes) of the process a query runs in; None: no bound but the machine's
    max_memory: int | None = None

    @property
    def own_base(self) -> str:
        """The address the pages link to: ``--base`` or ``http://HOST:PORT/``."""
        base = self.base or f"http://{self.host if ':' not in self.host else f'[{self.host}]'}:{self.port}/"
        return base if base.endswith("/") else base + "/"

    def local(self, iri: str) -> str:
        """The link to ``iri`` on this server when it is under the public base, else ``iri``."""
        if iri.startswith(self.public_base):
            return self.own_base + iri[len(self.public_base):]
        return iri

    def update_token(self) -> str | None:
        """The bearer token updates need (from the environment), or None."""
        token = os.environ.get(UPDATE_TOKEN_VARIABLE, "")
        return token or None
