"""A deterministic synthetic influence-operations graph, shaped like the curated one, and
synthetic archive files (users and tweets CSV in the platforms' column layout).

Same classes and properties as ``kg/data/documents/*.ttl``: source documents, operations
with sponsors, platforms, targets, narratives and techniques, attributions, takedowns and
reported figures with qualifiers, roles and evidence quotes. The same seed and size always
give the same graph (no clock, no global random state).

    python benchmarks/synthetic.py --triples 100000 --seed 1 -o /tmp/synthetic.nq
    python benchmarks/synthetic.py --triples 100000 --data /tmp/data     # a --data folder for the CLI
    python benchmarks/synthetic.py --accounts 100000 --tweets 1000000 --archive /tmp/archive

The archive files are made up (hashed-looking ids from the seed, no real account or
post); their columns are those of ``kg.archives.layout``.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import random
import shutil
import sys
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.namespaces import (  # noqa: E402
    PREFIXES, ACTOR, CLAIM, COUNTRY, DISARM, DOCUMENT, FIGURE, IO, NARRATIVE, OPERATION, PLATFORM, RESPONSE, TARGET,
)

PLATFORMS = ["facebook", "instagram", "twitter", "youtube", "tiktok", "reddit", "pinterest", "medium", "quora"]
STATES = ["china", "russia", "turkey", "united-states", "taiwan", "japan", "australia", "united-kingdom"]
NARRATIVES = ["hong-kong-protests", "covid-19", "taiwan", "xinjiang", "guo-wengui", "us-western-foreign-policy", "united-russia"]
TECHNIQUES = ["T0049", "T0049.003", "T0084.001", "T0002", "T0018", "T0149.007"]
AUDIENCES = ["chinese-diaspora", "chinese-speaking-audiences", "global-social-media-users"]
LANGUAGES = ["en", "nl", "fr", "sv"]
MEASURES = ["accounts", "pages", "groups", "followers"]
QUALIFIERS = ["exact", "about", "over", "nearly", "atLeast"]

#: Triples the generator writes per operation (measured; used to size the graph).
TRIPLES_PER_OPERATION = 86


class Generator:
    """Writes synthetic documents and operations into a ``Dataset``, one named graph per
    document, from a seeded random generator."""

    def __init__(self, *, seed: int = 1, operations_per_document: int = 20):
        self.random = random.Random(seed)
        self.per_document = operations_per_document

    def document(self, dataset: Dataset, index: int) -> tuple[URIRef, Graph, str]:
        doc = DOCUMENT[f"synthetic-{index:06d}"]
        graph = dataset.graph(doc)
        language = self.random.choice(LANGUAGES)
        year = 2016 + index % 8
        graph.add((doc, RDF.type, IO.SourceDocument))
        graph.add((doc, RDFS.label, Literal(f"Synthetic document {index}", lang="en")))
        graph.add((doc, IO.fileName, Literal(f"synthetic-{index:06d}.txt")))
        graph.add((doc, IO.sha256, Literal(f"{index:064x}", datatype=XSD.hexBinary)))
        graph.add((doc, IO.language, Literal(language, datatype=XSD.language)))
        graph.add((doc, IO.headline, Literal(f"Synthetic headline {index}", lang=language)))
        graph.add((doc, IO.publicationDate, Literal(f"{year}-12-31", datatype=XSD.date)))
        return doc, graph, language

    def operation(self, graph: Graph, doc: URIRef, language: str, index: int, year: int) -> list[URIRef]:
        r = self.random
        op = OPERATION[f"synthetic-{index:07d}"]
        quote = Literal(f"quote {index}", lang=language)
        graph.add((op, RDF.type, IO.InfluenceOperation))
        graph.add((op, RDFS.label, Literal(f"Synthetic operation {index}", lang="en")))
        sponsor = COUNTRY[r.choice(STATES[:3])]
        graph.add((op, IO.sponsoredBy, sponsor))
        platforms = r.sample(PLATFORMS, 2)
        for platform in platforms:
            graph.add((op, IO.activeOn, PLATFORM[platform]))
        graph.add((op, IO.targets, COUNTRY[r.choice(STATES[3:])]))
        graph.add((op, IO.targets, TARGET[r.choice(AUDIENCES)]))
        graph.add((op, IO.pushesNarrative, NARRATIVE[r.choice(NARRATIVES)]))
        graph.add((op, IO.usesTechnique, DISARM[r.choice(TECHNIQUES)]))
        graph.add((op, IO.reportedIn, doc))
        graph.add((op, IO.evidence, quote))

        claim = CLAIM[f"synthetic-{index:07d}-attribution"]
        graph.add((claim, RDF.type, IO.Attribution))
        graph.add((claim, RDFS.label, Literal(f"Attribution of synthetic operation {index}", lang="en")))
        graph.add((claim, IO.aboutOperation, op))
        graph.add((claim, IO.claimant, ACTOR.meta if "facebook" in platforms else ACTOR["twitter-inc"]))
        graph.add((claim, IO.attributedTo, sponsor))
        graph.add((claim, IO.wording, Literal("linked to", lang=language)))
        graph.add((claim, IO.strength, r.choice([IO.direct, IO.inferred])))
        graph.add((claim, IO.reportedIn, doc))
        graph.add((claim, IO.evidence, quote))

        response = RESPONSE[f"synthetic-{index:07d}-takedown"]
        graph.add((response, RDF.type, IO.Takedown))
        graph.add((response, RDFS.label, Literal(f"Takedown of synthetic operation {index}", lang="en")))
        graph.add((response, IO.respondent, ACTOR.meta if "facebook" in platforms else ACTOR["twitter-inc"]))
        graph.add((response, IO.onPlatform, PLATFORM[platforms[0]]))
        graph.add((response, IO.respondsTo, op))
        graph.add((response, IO.date, Literal(f"{year}-{r.randint(1, 12):02d}", datatype=XSD.gYearMonth)))
        graph.add((response, IO.status, IO.carriedOut))
        graph.add((response, IO.reportedIn, doc))
        graph.add((response, IO.evidence, quote))

        total = FIGURE[f"synthetic-{index:07d}-total"]
        value = r.randint(100, 200_000)
        self.figure(graph, total, op, response, doc, quote, platforms[0], IO.accounts, value, IO.total, None)
        core = FIGURE[f"synthetic-{index:07d}-core"]
        self.figure(graph, core, op, response, doc, quote, platforms[0], IO.accounts, value // 5, IO.core, total)
        amplifiers = FIGURE[f"synthetic-{index:07d}-amplifiers"]
        self.figure(graph, amplifiers, op, response, doc, quote, platforms[0], IO.accounts, value - value // 5, IO.amplifier, total)
        for k, measure in enumerate(r.sample(MEASURES[1:], 2)):
            node = FIGURE[f"synthetic-{index:07d}-{k}"]
            self.figure(graph, node, op, response, doc, quote, platforms[0], IO[measure], r.randint(1, 5000), IO.total, None)
        return [op, claim, response, total, core, amplifiers]

    def figure(self, graph, node, op, response, doc, quote, platform, measure, value, role, total):
        graph.add((node, RDF.type, IO.ReportedFigure))
        graph.add((node, RDFS.label, Literal(f"Synthetic figure {node[-20:]}", lang="en")))
        graph.add((node, IO.value, Literal(value, datatype=XSD.integer)))
        graph.add((node, IO.measures, measure))
        graph.add((node, IO.role, role))
        graph.add((node, IO.qualifier, IO[self.random.choice(QUALIFIERS)] if role != IO.total else IO.exact))
        graph.add((node, IO.onPlatform, PLATFORM[platform]))
        graph.add((node, IO.aboutOperation, op))
        graph.add((node, IO.outcomeOf, response))
        graph.add((node, IO.reportedIn, doc))
        graph.add((node, IO.evidence, quote))
        if total is not None:
            graph.add((node, IO.partOf, total))

    def generate(self, *, triples: int) -> Dataset:
        """A dataset of about ``triples`` synthetic triples (plus nothing else)."""
        dataset = Dataset()
        operations = max(1, triples // TRIPLES_PER_OPERATION)
        graph = doc = language = None
        for index in range(operations):
            if index % self.per_document == 0:
                doc, graph, language = self.document(dataset, index // self.per_document)
            self.operation(graph, doc, language, index, 2016 + (index // self.per_document) % 8)
        return dataset


def generate(*, triples: int, seed: int = 1) -> Dataset:
    """A deterministic synthetic dataset of about ``triples`` triples."""
    return Generator(seed=seed).generate(triples=triples)


# Archive files ---------------------------------------------------------------------

LOCATIONS = ["", "", "Beijing", "Hong Kong", "New York", "London", "Москва", "İstanbul", "Earth", "🌏"]
ACCOUNT_LANGUAGES = ["en", "zh-cn", "ru", "tr", "es", "en-gb", "ar"]
TWEET_LANGUAGES = ["en", "zh", "ru", "tr", "und", "es", "ja"]
CLIENTS = ["Twitter Web Client", "Twitter for Android", "Twitter for iPhone", "TweetDeck", "Hootsuite"]
HASHTAGS = ["HongKong", "COVID19", "Taiwan", "Xinjiang", "GuoWengui", "BLM", "香港"]
USERS_HEADER = ["userid", "user_display_name", "user_screen_name", "user_reported_location",
                "user_profile_description", "user_profile_url", "follower_count", "following_count",
                "account_creation_date", "account_language"]
TWEETS_HEADER = ["tweetid", "userid", "user_display_name", "user_screen_name", "user_reported_location",
                 "user_profile_description", "user_profile_url", "follower_count", "following_count",
                 "account_creation_date", "account_language", "tweet_language", "tweet_text", "tweet_time",
                 "tweet_client_name", "in_reply_to_userid", "in_reply_to_tweetid", "quoted_tweet_tweetid",
                 "is_retweet", "retweet_userid", "retweet_tweetid", "latitude", "longitude", "quote_count",
                 "reply_count", "like_count", "retweet_count", "hashtags", "urls", "user_mentions", "poll_choices"]


def user_id(seed: int, index: int) -> str:
    """A made-up hashed user id (64 hexadecimal digits), or a numeric one for every tenth."""
    if index % 10 == 0:
        return str(1_000_000 + index)
    return hashlib.sha256(f"iokg-synthetic-{seed}-{index}".encode()).hexdigest()


def _open(path: Path):
    if path.suffix == ".gz":
        return gzip.open(path, "wt", encoding="utf-8", newline="", compresslevel=1)
    return open(path, "w", encoding="utf-8", newline="")


def write_users(path: Path, *, rows: int, seed: int = 1) -> None:
    """A users file of ``rows`` made-up accounts; creation dates come in bursts (many
    accounts on a few days), as in the real archives."""
    r = random.Random(seed)
    with _open(Path(path)) as handle:
        writer = csv.writer(handle)
        writer.writerow(USERS_HEADER)
        for i in range(rows):
            uid = user_id(seed, i)
            hashed = len(uid) == 64
            if r.random() < 0.4:
                day = f"2019-08-{r.randint(1, 3):02d}"  # a burst
            else:
                day = f"{r.randint(2009, 2020)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"
            writer.writerow([
                uid, uid if hashed else f"User {i}", uid if hashed else f"user_{i}", r.choice(LOCATIONS),
                r.choice(["", "Patriot. Truth.", "新闻 and views", 'a "quoted" bio, with a comma',
                          "two\nlines"]),
                "" if r.random() < 0.7 else f"https://t.co/{i:x}", r.randint(0, 5000), r.randint(0, 2000), day,
                r.choice(ACCOUNT_LANGUAGES),
            ])


def write_tweets(path: Path, *, rows: int, accounts: int, seed: int = 1) -> None:
    """A tweets file of ``rows`` made-up posts by the ``accounts`` accounts of
    :func:`write_users` (same seed): replies, retweets, quotes, hashtags, links, mentions."""
    r = random.Random(seed + 1)
    with _open(Path(path)) as handle:
        writer = csv.writer(handle)
        writer.writerow(TWEETS_HEADER)
        for i in range(rows):
            tweet = 1_100_000_000_000_000_000 + i * 7919
            author = user_id(seed, r.randrange(accounts))
            retweet = r.random() < 0.4
            reply = not retweet and r.random() < 0.2
            quoted = not retweet and r.random() < 0.05
            original = 1_000_000_000_000_000_000 + r.randrange(max(1, rows // 4)) * 104729
            original_author = user_id(seed, r.randrange(accounts)) if r.random() < 0.7 else ""
            tags = r.sample(HASHTAGS, r.randint(0, 2))
            geo = r.random() < 0.01
            writer.writerow([
                tweet, author, author, author, "", "", "", "", "", "", "",
                r.choice(TWEET_LANGUAGES), f"synthetic post {i} #{' #'.join(tags)}" if tags else f"synthetic post {i}",
                f"2019-{r.randint(1, 12):02d}-{r.randint(1, 28):02d} {r.randint(0, 23):02d}:{r.randint(0, 59):02d}",
                r.choice(CLIENTS),
                original_author if reply else "", original if reply else "",
                original + 1 if quoted else "",
                "true" if retweet else "false",
                original_author if retweet else "", original if retweet else "",
                f"{r.uniform(-60, 60):.4f}" if geo else "absent", f"{r.uniform(-170, 170):.4f}" if geo else "absent",
                r.randint(0, 5), r.randint(0, 20), r.randint(0, 200), 0 if retweet else r.randint(0, 500),
                "[" + ", ".join(tags) + "]" if tags else "",
                f"[https://example.org/{i % 997}]" if r.random() < 0.2 else "",
                "[" + user_id(seed, r.randrange(accounts)) + "]" if r.random() < 0.1 else "",
                "",
            ])


def write_data_folder(directory: Path, *, triples: int, seed: int = 1) -> int:
    """A data folder in the layout ``iokg --data DIR`` reads: iokg's own reference,
    curation and DISARM graphs, and the synthetic documents as ``documents/*.ttl`` (one
    file per document graph). Returns the number of synthetic triples."""
    directory = Path(directory)
    (directory / "documents").mkdir(parents=True, exist_ok=True)
    for name in ("reference.ttl", "curation.ttl", "disarm.ttl"):
        shutil.copyfile(ROOT / "kg" / "data" / name, directory / name)
    dataset = generate(triples=triples, seed=seed)
    count = 0
    for graph in dataset.graphs():
        if not len(graph):
            continue
        name = str(graph.identifier)[len(str(DOCUMENT)):]
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace, override=True)
        graph.serialize(directory / "documents" / f"{name}.ttl", format="turtle")
        count += len(graph)
    return count


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", type=Path, help="N-Quads file to write")
    parser.add_argument("--data", type=Path, metavar="DIR", help="write a data folder for iokg --data DIR")
    parser.add_argument("--archive", type=Path, metavar="DIR", help="write users.csv.gz and tweets.csv.gz here")
    parser.add_argument("--accounts", type=int, default=10_000, help="rows of the users file (with --archive)")
    parser.add_argument("--tweets", type=int, default=0, help="rows of the tweets file (with --archive)")
    args = parser.parse_args(argv)
    if not (args.output or args.data or args.archive):
        parser.error("give -o FILE, --data DIR or --archive DIR")
    if args.output:
        dataset = generate(triples=args.triples, seed=args.seed)
        args.output.write_bytes(dataset.serialize(format="nquads", encoding="utf-8"))
        print(f"{sum(1 for _ in dataset.quads())} quads written to {args.output}")
    if args.data:
        count = write_data_folder(args.data, triples=args.triples, seed=args.seed)
        print(f"{count} synthetic triples written to {args.data}/documents")
    if args.archive:
        args.archive.mkdir(parents=True, exist_ok=True)
        write_users(args.archive / "users.csv.gz", rows=args.accounts, seed=args.seed)
        print(f"{args.accounts} accounts written to {args.archive / 'users.csv.gz'}")
        if args.tweets:
            write_tweets(args.archive / "tweets.csv.gz", rows=args.tweets, accounts=args.accounts, seed=args.seed)
            print(f"{args.tweets} tweets written to {args.archive / 'tweets.csv.gz'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
