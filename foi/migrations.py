"""Numbered, append-only schema migrations, applied on every open.

Never edit a migration that has shipped: add a new one at the end.
Every table is STRICT and every relation is a declared foreign key.
"""

from sqlite_utils import Database, Migrations

migrations = Migrations("foi")

SCHEMA_0001 = """
CREATE TABLE bodies (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    short_name TEXT,
    gss_code TEXT UNIQUE,
    type TEXT NOT NULL,
    type_name TEXT,
    region TEXT,
    county_code TEXT,
    tier TEXT,
    childrens_services INTEGER NOT NULL DEFAULT 0 CHECK (childrens_services IN (0, 1)),
    website TEXT,
    domain TEXT,
    dfe_la_code TEXT,
    foi_email TEXT,
    email_source TEXT,
    email_checked_on TEXT,
    notes TEXT,
    origin TEXT NOT NULL DEFAULT 'register' CHECK (origin IN ('register', 'user')),
    updated_at TEXT
) STRICT;
CREATE INDEX bodies_type ON bodies(type);
CREATE INDEX bodies_region ON bodies(region);

CREATE TABLE holidays (
    date TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    added_at TEXT NOT NULL
) STRICT;

CREATE TABLE campaigns (
    slug TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    prefix TEXT NOT NULL UNIQUE,
    template TEXT NOT NULL,
    recipients TEXT NOT NULL,
    source_path TEXT,
    source_text TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE periods (
    campaign TEXT NOT NULL REFERENCES campaigns(slug) ON DELETE CASCADE,
    period TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (campaign, period)
) STRICT;

CREATE TABLE questions (
    campaign TEXT NOT NULL REFERENCES campaigns(slug) ON DELETE CASCADE,
    id TEXT NOT NULL,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('count', 'text', 'yes_no')),
    labels TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (campaign, id)
) STRICT;

CREATE TABLE checks (
    campaign TEXT NOT NULL REFERENCES campaigns(slug) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    rule TEXT NOT NULL,
    PRIMARY KEY (campaign, position)
) STRICT;

CREATE TABLE requests (
    id INTEGER PRIMARY KEY,
    campaign TEXT NOT NULL REFERENCES campaigns(slug) ON DELETE CASCADE,
    body_code TEXT NOT NULL REFERENCES bodies(code),
    reference TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL DEFAULT 'draft',
    state_source TEXT NOT NULL DEFAULT 'auto' CHECK (state_source IN ('auto', 'manual')),
    email TEXT,
    sent_via TEXT CHECK (sent_via IN ('email', 'portal', 'post')),
    sent_at TEXT,
    sent_on TEXT,
    their_reference TEXT,
    due_date TEXT,
    first_response_at TEXT,
    last_message_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (campaign, body_code)
) STRICT;
CREATE INDEX requests_state ON requests(campaign, state);

-- One row per message we send or try to send (the request itself, chasers,
-- clarification replies). The Message-ID is fixed before the SMTP transaction
-- so that an uncertain send can be looked for in the Sent folder.
CREATE TABLE outgoing (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('request', 'reminder', 'review', 'ico', 'clarification', 'reply')),
    message_id TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL CHECK (state IN ('draft', 'sending', 'sent', 'failed', 'uncertain')),
    transport TEXT,
    to_addr TEXT,
    subject TEXT NOT NULL,
    raw_sha256 TEXT,
    in_reply_to TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    created_at TEXT NOT NULL,
    attempted_at TEXT,
    sent_at TEXT
) STRICT;
CREATE INDEX outgoing_request ON outgoing(request_id, kind);

-- Every message received or imported; the raw bytes live in the blob store by sha256.
CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    message_id TEXT,
    source TEXT NOT NULL,
    size INTEGER NOT NULL,
    from_addr TEXT,
    from_name TEXT,
    to_addrs TEXT,
    cc_addrs TEXT,
    subject TEXT,
    date TEXT,
    in_reply_to TEXT,
    references_ TEXT,
    auto_submitted TEXT,
    body_text TEXT,
    parse_error TEXT,
    request_id INTEGER REFERENCES requests(id) ON DELETE SET NULL,
    match_rule TEXT,
    match_evidence TEXT,
    classification TEXT,
    classification_evidence TEXT,
    their_reference TEXT,
    received_at TEXT,
    stored_at TEXT NOT NULL
) STRICT;
CREATE INDEX messages_message_id ON messages(message_id);
CREATE INDEX messages_request ON messages(request_id);

-- Where each message was seen on an IMAP server (or a file it was imported from).
CREATE TABLE message_locations (
    message INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    account TEXT NOT NULL,
    folder TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL,
    uid INTEGER NOT NULL,
    PRIMARY KEY (account, folder, uidvalidity, uid)
) STRICT;

CREATE TABLE imap_folders (
    account TEXT NOT NULL,
    folder TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL,
    last_uid INTEGER NOT NULL DEFAULT 0,
    synced_at TEXT,
    PRIMARY KEY (account, folder)
) STRICT;

-- Attachments, unpacked recursively (zip, TNEF, .msg, attached .eml): parent is
-- the containing attachment, or NULL for a part of the message itself.
CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    message INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    parent INTEGER REFERENCES attachments(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    sha256 TEXT,
    filename TEXT,
    original_filename TEXT,
    declared_type TEXT,
    detected_type TEXT,
    size INTEGER,
    note TEXT,
    UNIQUE (message, parent, position)
) STRICT;
CREATE INDEX attachments_sha256 ON attachments(sha256);

-- The audit trail: every change of state, deadline event and user action.
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    request_id INTEGER REFERENCES requests(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    occurred_on TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    actor TEXT NOT NULL DEFAULT 'auto' CHECK (actor IN ('auto', 'user')),
    message INTEGER REFERENCES messages(id) ON DELETE SET NULL,
    outgoing INTEGER REFERENCES outgoing(id) ON DELETE SET NULL,
    details TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX events_request ON events(request_id, occurred_on);

-- Senders learned from `foi assign`: mail from this address belongs to this body.
CREATE TABLE known_senders (
    address TEXT PRIMARY KEY,
    body_code TEXT NOT NULL REFERENCES bodies(code),
    learned_from INTEGER REFERENCES messages(id) ON DELETE SET NULL,
    learned_at TEXT NOT NULL
) STRICT;

-- The result of reading one source (attachment by sha256, or a message body)
-- with one version of the extractor: the cache that makes extraction idempotent.
CREATE TABLE extractions (
    source_sha256 TEXT NOT NULL,
    extractor_version TEXT NOT NULL,
    status TEXT NOT NULL,
    note TEXT,
    tables_json TEXT,
    extracted_at TEXT NOT NULL,
    PRIMARY KEY (source_sha256, extractor_version)
) STRICT;

-- (request, question, period) -> value, with provenance. History is kept:
-- `current` marks the value in force; a later reply or a hand entry supersedes.
CREATE TABLE answer_values (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    period TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('answered', 'suppressed', 'not_held', 'refused', 'needs_review')),
    value REAL,
    value_text TEXT,
    value_raw TEXT,
    lower_bound REAL,
    upper_bound REAL,
    refusal_section TEXT,
    source_message INTEGER REFERENCES messages(id) ON DELETE SET NULL,
    source_sha256 TEXT,
    source_file TEXT,
    source_location TEXT,
    method TEXT NOT NULL CHECK (method IN ('auto', 'manual')),
    confidence REAL NOT NULL DEFAULT 1.0,
    note TEXT,
    current INTEGER NOT NULL DEFAULT 1 CHECK (current IN (0, 1)),
    superseded_by INTEGER REFERENCES answer_values(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX answer_values_key ON answer_values(request_id, question_id, period, current);
"""


@migrations(name="0001_initial")
def m0001_initial(db: Database) -> None:
    run_script(db, SCHEMA_0001)


def run_script(db: Database, script: str) -> None:
    """Run statements one at a time: executescript() would COMMIT the
    migration's transaction half-way."""
    for statement in script.split(";\n"):
        if statement.strip():
            db.execute(statement)


# Views for browsing the database with Datasette (or any SQLite tool) and the one
# query behind the dataset export: one row per recipient x question x period,
# 'missing' where no value is in force.
SCHEMA_0002_REPORT_VIEWS = """
CREATE VIEW dataset AS
SELECT
    r.campaign AS campaign,
    r.body_code AS body_code,
    b.gss_code AS gss_code,
    b.name AS body_name,
    b.region AS region,
    q.id AS question_id,
    p.period AS period,
    coalesce(v.value, v.value_text) AS value,
    v.value_raw AS value_raw,
    coalesce(v.status, 'missing') AS status,
    v.lower_bound AS lower_bound,
    v.upper_bound AS upper_bound,
    m.message_id AS source_message_id,
    v.source_file AS source_file,
    v.source_location AS source_location,
    v.method AS method
FROM requests r
JOIN bodies b ON b.code = r.body_code
JOIN questions q ON q.campaign = r.campaign
JOIN periods p ON p.campaign = r.campaign
LEFT JOIN answer_values v ON v.id = (
    SELECT max(a.id) FROM answer_values a
    WHERE a.request_id = r.id AND a.question_id = q.id AND a.period = p.period AND a.current = 1)
LEFT JOIN messages m ON m.id = v.source_message;

CREATE VIEW request_log AS
SELECT
    r.campaign AS campaign,
    r.reference AS reference,
    r.body_code AS body_code,
    b.name AS body_name,
    b.region AS region,
    b.type AS body_type,
    r.email AS email,
    r.state AS state,
    r.sent_on AS sent_on,
    r.due_date AS due_date,
    r.first_response_at AS first_response_at,
    r.last_message_at AS last_message_at,
    r.their_reference AS council_reference,
    e.kind AS last_event,
    e.occurred_on AS last_event_on,
    e.details AS last_event_details
FROM requests r
JOIN bodies b ON b.code = r.body_code
LEFT JOIN events e ON e.id = (
    SELECT e2.id FROM events e2 WHERE e2.request_id = r.id
    ORDER BY e2.occurred_on DESC, e2.id DESC LIMIT 1)
"""


@migrations(name="0002_report_views")
def m0002_report_views(db: Database) -> None:
    run_script(db, SCHEMA_0002_REPORT_VIEWS)


# Shipped as "0002_bench_their_reference_index" (two 0002s). sqlite-utils knows an
# applied migration only by its name, so databases made then run this again under
# its new name: it must stay a no-op where the index exists (IF NOT EXISTS).
@migrations(name="0003_their_reference_index")
def m0003_their_reference_index(db: Database) -> None:
    """Matching looks up every council reference learned from earlier messages for
    each new one; without this index that was a scan of all messages per message
    (quadratic: a 10,000-message sync spent a third of its time there)."""
    run_script(db, "CREATE INDEX IF NOT EXISTS messages_their_reference ON messages(their_reference, request_id) "
                   "WHERE their_reference IS NOT NULL;")


# The names of foi/vocabulary.py, enforced. Written out here, not read from the enums:
# a shipped migration must create the same schema whatever the code says later. A
# name added to the vocabulary needs a new migration that drops and re-creates the
# trigger concerned (tests/test_vocabulary.py fails until it does).
VOCABULARY_0004 = {
    ("requests", "state"): (
        "draft", "sending", "awaiting_response", "bounced", "acknowledged", "awaiting_clarification",
        "fee_requested", "extended", "internal_review", "refused", "not_held", "link_only",
        "answered_partial", "answered", "withdrawn", "failed"),
    ("events", "kind"): (
        "created", "sent", "reminder_sent", "review_sent", "clarification_sent", "reply_sent",
        "send_failed", "send_uncertain", "ico_draft_written", "state_changed", "message_classified",
        "message_assigned", "state_set", "clarification_requested", "clarification_given",
        "fee_notice", "fee_paid", "extension", "response", "review_requested", "review_answered"),
    ("messages", "classification"): (
        "bounce", "delivery_delayed", "auto_reply", "acknowledgement", "clarification", "fee",
        "extension", "refusal", "not_held", "answer_partial", "answer", "link_only", "unclassified"),
}


@migrations(name="0004_vocabulary_checks")
def m0004_vocabulary_checks(db: Database) -> None:
    """CHECKs by trigger: SQLite cannot add a CHECK to an existing table, and rebuilding
    `requests` means switching foreign keys off (impossible inside the migration's
    transaction) while outgoing, messages, events and answer_values point at it, and
    re-creating the views over it. A trigger that RAISEs refuses the same writes and
    is dropped and re-created in one statement each when the vocabulary grows.
    (outgoing.state, outgoing.kind and answer_values.status had CHECKs from 0001.)"""
    for (table, column), allowed in VOCABULARY_0004.items():
        run_script(db, vocabulary_triggers(table, column, allowed))


def vocabulary_triggers(table: str, column: str, allowed: tuple[str, ...]) -> str:
    """BEFORE INSERT and BEFORE UPDATE triggers refusing a value not in `allowed`
    (NULL passes, as it would a CHECK)."""
    names = ", ".join(f"'{name}'" for name in allowed)
    message = f"{table}.{column}: not a name foi knows (foi/vocabulary.py)"
    return "".join(
        f"CREATE TRIGGER {table}_{column}_known_{when} BEFORE {event} ON {table}\n"
        f"WHEN NEW.{column} NOT IN ({names})\n"
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END;\n"
        for when, event in (("insert", "INSERT"), ("update", f"UPDATE OF {column}")))


# The due date is no longer stored. It was written when a request was sent, marked
# sent or extended, while `foi status`, the exports and `foi chase` worked it out
# afresh from the events and the working-day calendar, so after `foi holidays add`
# (or a newer `holidays` package, or a fee paid) the two disagreed. Now only
# foi.tracking.deadlines works it out; SQL cannot (it needs the UK calendar), so the
# request_log view shows day 0 (sent_on) and the latest event, and the due date is
# in `foi status` and `foi export --what requests`.
SCHEMA_0005_REQUEST_LOG = """
CREATE VIEW request_log AS
SELECT
    r.campaign AS campaign,
    r.reference AS reference,
    r.body_code AS body_code,
    b.name AS body_name,
    b.region AS region,
    b.type AS body_type,
    r.email AS email,
    r.state AS state,
    r.sent_on AS sent_on,
    r.first_response_at AS first_response_at,
    r.last_message_at AS last_message_at,
    r.their_reference AS council_reference,
    e.kind AS last_event,
    e.occurred_on AS last_event_on,
    e.details AS last_event_details
FROM requests r
JOIN bodies b ON b.code = r.body_code
LEFT JOIN events e ON e.id = (
    SELECT e2.id FROM events e2 WHERE e2.request_id = r.id
    ORDER BY e2.occurred_on DESC, e2.id DESC LIMIT 1)
"""


@migrations(name="0005_due_date_computed")
def m0005_due_date_computed(db: Database) -> None:
    db.execute("DROP VIEW request_log")
    db.execute("ALTER TABLE requests DROP COLUMN due_date")
    run_script(db, SCHEMA_0005_REQUEST_LOG)


# Questions may ask for a sum of money (kind 'money': pounds and pence), then (0007) a
# percentage or a number of days. SQLite cannot change a CHECK, so `questions` is rebuilt
# each time with the kinds of that migration written out (nothing points at it by foreign
# key; the dataset view reads it, so the view is dropped and made again around the rebuild).
def _rebuild_questions(db: Database, kinds: tuple[str, ...]) -> None:
    allowed = ", ".join(f"'{kind}'" for kind in kinds)
    dataset_view = SCHEMA_0002_REPORT_VIEWS[SCHEMA_0002_REPORT_VIEWS.index("CREATE VIEW dataset"):
                                            SCHEMA_0002_REPORT_VIEWS.index("CREATE VIEW request_log")]
    db.execute("DROP VIEW dataset")
    run_script(db, f"""
CREATE TABLE questions_rebuilt (
    campaign TEXT NOT NULL REFERENCES campaigns(slug) ON DELETE CASCADE,
    id TEXT NOT NULL,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ({allowed})),
    labels TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (campaign, id)
) STRICT;
INSERT INTO questions_rebuilt (campaign, id, position, text, kind, labels)
    SELECT campaign, id, position, text, kind, labels FROM questions;
DROP TABLE questions;
ALTER TABLE questions_rebuilt RENAME TO questions
""")
    run_script(db, dataset_view.strip().rstrip(";"))


@migrations(name="0006_money_questions")
def m0006_money_questions(db: Database) -> None:
    _rebuild_questions(db, ("count", "money", "text", "yes_no"))


@migrations(name="0007_percent_and_days_questions")
def m0007_percent_and_days_questions(db: Database) -> None:
    _rebuild_questions(db, ("count", "money", "percent", "days", "text", "yes_no"))


# A question or period added to a campaign (`foi campaign create --update`) after some
# requests were sent was never asked of those councils: the dataset calls such a cell
# 'not_asked', apart from 'missing' (no answer yet to what was asked), so coverage is
# not lowered by questions nobody put to the council. `added_at` is when the question or
# period was added by an update (NULL: in the campaign from the start); a request sent
# (sent_at, or day 0 for a request with no time) before it did not ask it. A value in
# force wins: a council asked later, in a follow-up, and answering is answered.
# (A later rebuild of `questions` must carry added_at and make this view again.)
SCHEMA_0008_DATASET = """
CREATE VIEW dataset AS
SELECT
    r.campaign AS campaign,
    r.body_code AS body_code,
    b.gss_code AS gss_code,
    b.name AS body_name,
    b.region AS region,
    q.id AS question_id,
    p.period AS period,
    coalesce(v.value, v.value_text) AS value,
    v.value_raw AS value_raw,
    CASE WHEN v.status IS NOT NULL THEN v.status
         WHEN julianday(coalesce(r.sent_at, r.sent_on)) < julianday(q.added_at)
           OR julianday(coalesce(r.sent_at, r.sent_on)) < julianday(p.added_at) THEN 'not_asked'
         ELSE 'missing' END AS status,
    v.lower_bound AS lower_bound,
    v.upper_bound AS upper_bound,
    m.message_id AS source_message_id,
    v.source_file AS source_file,
    v.source_location AS source_location,
    v.method AS method
FROM requests r
JOIN bodies b ON b.code = r.body_code
JOIN questions q ON q.campaign = r.campaign
JOIN periods p ON p.campaign = r.campaign
LEFT JOIN answer_values v ON v.id = (
    SELECT max(a.id) FROM answer_values a
    WHERE a.request_id = r.id AND a.question_id = q.id AND a.period = p.period AND a.current = 1)
LEFT JOIN messages m ON m.id = v.source_message
"""


@migrations(name="0008_not_asked")
def m0008_not_asked(db: Database) -> None:
    db.execute("DROP VIEW dataset")
    db.execute("ALTER TABLE questions ADD COLUMN added_at TEXT")
    db.execute("ALTER TABLE periods ADD COLUMN added_at TEXT")
    db.execute(SCHEMA_0008_DATASET)


# A body's postal address, for the letters written to bodies that want post: lines
# separated by "; ". The register ships it empty; users import or set it.
@migrations(name="0009_body_postal_address")
def m0009_body_postal_address(db: Database) -> None:
    db.execute("ALTER TABLE bodies ADD COLUMN postal_address TEXT")


# A question may have a short title for reports (the campaign file's `title`; NULL shows its id).
@migrations(name="0010_question_titles")
def m0010_question_titles(db: Database) -> None:
    db.execute("ALTER TABLE questions ADD COLUMN title TEXT")


# Reference data: per-council figures by period that do not come from the replies (the DfE
# children in need statistics shipped with foi, or a table the user imports), for measures
# ("early_help / ref.children_in_need") and for grossing up national estimates. One row per
# table name, council (the register's code: a file keyed by GSS code is mapped on import)
# and period (written as the campaigns write them, e.g. "2024/25").
SCHEMA_0011_REFERENCE = """
CREATE TABLE reference_tables (
    name TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    licence TEXT,
    builtin INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1)),
    imported_at TEXT
);
CREATE TABLE reference_values (
    name TEXT NOT NULL REFERENCES reference_tables(name) ON DELETE CASCADE,
    body_code TEXT NOT NULL REFERENCES bodies(code),
    period TEXT NOT NULL,
    value REAL NOT NULL,
    note TEXT,
    PRIMARY KEY (name, body_code, period)
);
"""


@migrations(name="0011_reference_data")
def m0011_reference_data(db: Database) -> None:
    run_script(db, SCHEMA_0011_REFERENCE)


# Who recorded a value by hand (`foi answer --by`, or the review page): a campaign's
# figures are defended in public, and several people may confirm them. NULL for values
# read automatically, and for hand entries made before this column existed.
@migrations(name="0012_decided_by")
def m0012_decided_by(db: Database) -> None:
    db.execute("ALTER TABLE answer_values ADD COLUMN decided_by TEXT")


# A message queued by `foi send` in a batch: its intent (Message-ID, 'sending') reaches the
# disk in one commit for the whole batch, and `queued` holds the machine's boot id until the
# message's turn comes (cleared just before it is handed over). A run killed before a
# message's turn leaves it queued: on the same boot that proves it never left, so it is sent
# afresh; after a restart it is uncertain, since commits made since the batch may be lost.
@migrations(name="0013_outgoing_queued")
def m0013_outgoing_queued(db: Database) -> None:
    db.execute("ALTER TABLE outgoing ADD COLUMN queued TEXT")


@migrations(name="0014_learned_reference_indexes")
def m0014_learned_reference_indexes(db: Database) -> None:
    # Matching a message no rule places reads every council reference learned so far
    # (foi.triage.learned); without these it read every request and
    # every message, once for each such message: a sync grew with the square of the mail.
    db.execute("CREATE INDEX requests_their_reference ON requests(their_reference) "
               "WHERE their_reference IS NOT NULL")
    db.execute("CREATE INDEX messages_learned_references ON messages(request_id) "
               "WHERE request_id IS NOT NULL AND classification_evidence LIKE '%their_references%'")


# The CRC-32 of a blob (the checksum a zip gives each file), recorded the first time
# `foi export --what correspondence` works it out: a blob never changes (its name is the
# sha256 of its bytes), so a later export copies it into the zip without reading it (at
# ten times the model campaign, reading and checksumming 347 MB cost more than copying them).
@migrations(name="0015_blob_checksums")
def m0015_blob_checksums(db: Database) -> None:
    db.execute("CREATE TABLE blob_checksums (sha256 TEXT PRIMARY KEY, crc32 INTEGER NOT NULL) STRICT, WITHOUT ROWID")
