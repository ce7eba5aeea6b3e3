"""Account-level data: the platforms' information-operation archives as named graphs.

``import_accounts(FILE, operation=...)`` reads an archive's users file and
``import_tweets(FILE)`` its tweets file (CSV, gzip or zip; the column layout of Twitter's
hashed releases, ``kg.archives.layout``), checks every row against the shapes of
``shapes/accounts.ttl`` and writes one node per row into a new N-Triples file
``kg/data/archives/NAME.nt``, the named graph ``archive:NAME``.

- ``layout``: the columns of the two files and the properties they fill.
- ``rows``: rows to N-Triples, checked by the compiled shapes.
- ``reading``: the CSV stream (plain, gzip, zip) and the progress bar.
- ``imports``: the verbs, writing atomically under the data folder's lock.
"""

from kg.archives.imports import ImportResult, RowProblem, import_accounts, import_archive, import_tweets
from kg.archives.layout import ArchiveKind

__all__ = ["ArchiveKind", "ImportResult", "RowProblem", "import_accounts", "import_archive", "import_tweets"]
