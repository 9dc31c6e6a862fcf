-- One row per submission. Times are UTC text, fixed width
-- ("2006-01-02T15:04:05.000000Z"), so text order is time order.
-- Never phone numbers or email addresses.
CREATE TABLE submissions (
    key           TEXT PRIMARY KEY,
    submission_id TEXT NOT NULL DEFAULT '',
    team_id       TEXT NOT NULL DEFAULT '',
    user_id       TEXT NOT NULL DEFAULT '',
    channel_id    TEXT NOT NULL DEFAULT '',
    thread_ts     TEXT NOT NULL DEFAULT '',
    response_url  TEXT NOT NULL DEFAULT '',
    store_name    TEXT NOT NULL DEFAULT '',
    dealer_uuid   TEXT NOT NULL DEFAULT '',
    customer_uuid TEXT NOT NULL DEFAULT '',
    customer_name TEXT NOT NULL DEFAULT '',
    vin           TEXT NOT NULL DEFAULT '',
    vehicle_uuid  TEXT NOT NULL DEFAULT '',
    start_at      TEXT,
    end_at        TEXT,
    services      TEXT NOT NULL DEFAULT '[]',
    status        TEXT NOT NULL,
    draft_uuid    TEXT NOT NULL DEFAULT '',
    short_url     TEXT NOT NULL DEFAULT '',
    parent_ts     TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE INDEX submissions_user_created ON submissions (user_id, created_at);
CREATE INDEX submissions_status_created ON submissions (status, created_at);
CREATE INDEX submissions_updated ON submissions (updated_at);
