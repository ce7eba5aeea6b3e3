"""The column layouts of the platforms' information-operation archives.

Twitter published each removed network as two CSV files, a users file and a tweets file,
with ids of accounts under 5,000 followers replaced by hashes ("hashed" releases; Twitter
Transparency Center, information operations, 2018-2021; later the same layout in the
Twitter Moderation Research Consortium). The column names below are those of those
files, as a sample row of a ``*_tweets_csv_hashed.csv`` file quoted in public analysis
code shows them (31 columns, ``tweetid`` … ``poll_choices``); the users file carries the
ten account columns. A layout maps each column to the ontology property that holds it;
the shapes (``shapes/accounts.ttl``) say what a valid value of that property is.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from kg.namespaces import IO


class Column(str, Enum):
    """How a column's value becomes RDF."""

    VALUE = "value"            # one literal of the property's datatype
    LIST = "list"              # a list ("[a, b]", "a,b", "['a', 'b']"): one literal per item
    SUBJECT = "subject"        # the row's own id: the node's IRI and its id property
    ACCOUNT = "account"        # the id of an account the row refers to
    ACCOUNTS = "accounts"      # a list of account ids
    POST = "post"              # the id of a post the row refers to


@dataclass(frozen=True)
class Field:
    """One column of a layout: its name, the property it fills and how."""

    column: str
    property: str  # local name in io:
    kind: Column = Column.VALUE
    #: Values that mean "no value" besides the empty string (the archives write "absent"
    #: for a post without a geotag).
    missing: tuple[str, ...] = ()
    #: For POST references: the column that names the referred post's author, if any.
    author: str | None = None

    @property
    def predicate(self):
        return IO[self.property]


@dataclass(frozen=True)
class Layout:
    """A file's column layout: which node each row is, and the fields."""

    name: str
    node_class: str  # io: local name of the row's class
    id_column: str
    fields: tuple[Field, ...]
    #: Columns a row must fill (besides the id).
    required: tuple[str, ...] = ()

    def columns(self) -> list[str]:
        return [f.column for f in self.fields]


#: The users file: one account per row.
ACCOUNTS = Layout(
    name="accounts",
    node_class="SocialMediaAccount",
    id_column="userid",
    fields=(
        Field("userid", "userId", Column.SUBJECT),
        Field("user_display_name", "displayName"),
        Field("user_screen_name", "screenName"),
        Field("user_reported_location", "reportedLocation"),
        Field("user_profile_description", "profileDescription"),
        Field("user_profile_url", "profileUrl"),
        Field("follower_count", "followerCount"),
        Field("following_count", "followingCount"),
        Field("account_creation_date", "accountCreationDate"),
        Field("account_language", "accountLanguage"),
    ),
)

#: The tweets file: one post per row. Its account columns (``user_display_name`` …
#: ``account_language``) repeat the users file and are not imported from it; its author
#: is linked by ``userid``.
TWEETS = Layout(
    name="tweets",
    node_class="Post",
    id_column="tweetid",
    required=("userid",),
    fields=(
        Field("tweetid", "postId", Column.SUBJECT),
        Field("userid", "postedBy", Column.ACCOUNT),
        Field("tweet_language", "postLanguage"),
        Field("tweet_text", "postText"),
        Field("tweet_time", "postTime"),
        Field("tweet_client_name", "client"),
        Field("in_reply_to_tweetid", "inReplyTo", Column.POST, author="in_reply_to_userid"),
        Field("quoted_tweet_tweetid", "quotes", Column.POST),
        Field("is_retweet", "isRepost"),
        Field("retweet_tweetid", "repostOf", Column.POST, author="retweet_userid"),
        Field("latitude", "latitude", missing=("absent",)),
        Field("longitude", "longitude", missing=("absent",)),
        Field("quote_count", "quoteCount"),
        Field("reply_count", "replyCount"),
        Field("like_count", "likeCount"),
        Field("retweet_count", "repostCount"),
        Field("hashtags", "hashtag", Column.LIST),
        Field("urls", "linksTo", Column.LIST),
        Field("user_mentions", "mentions", Column.ACCOUNTS),
        Field("poll_choices", "pollChoices"),
    ),
)

#: Columns of the tweets file that are read only as the author of a referred post, or
#: that repeat the users file; they are known, so not reported as unknown.
TWEETS_OTHER_COLUMNS = (
    "in_reply_to_userid", "retweet_userid", "user_display_name", "user_screen_name",
    "user_reported_location", "user_profile_description", "user_profile_url", "follower_count",
    "following_count", "account_creation_date", "account_language",
)


class ArchiveKind(str, Enum):
    """The two files of an archive."""

    ACCOUNTS = "accounts"
    TWEETS = "tweets"

    @property
    def layout(self) -> Layout:
        return ACCOUNTS if self is ArchiveKind.ACCOUNTS else TWEETS

    @property
    def known_columns(self) -> frozenset[str]:
        extra = TWEETS_OTHER_COLUMNS if self is ArchiveKind.TWEETS else ()
        return frozenset(self.layout.columns()) | frozenset(extra)
