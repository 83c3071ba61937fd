-- People, sessions and login throttling (issue 4, first slice).
--
-- accounts is minimal here: the metering issue extends it (plan, anchor day, …).
-- users and sessions are not tenant data in the RLS sense: staff users have no account, and a
-- session is looked up by its token hash before any account is known.

CREATE TABLE accounts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    external_id text NOT NULL UNIQUE CHECK (external_id <> '' AND length(external_id) <= 200),
    name        text NOT NULL CHECK (name <> '' AND length(name) <= 200),
    status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
    time_zone   text NOT NULL DEFAULT 'UTC',
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email               text NOT NULL CHECK (email <> '' AND length(email) <= 320),
    password_hash       text NOT NULL,
    role                text NOT NULL CHECK (role IN ('owner', 'member', 'admin', 'sales')),
    -- Customers (owner, member) belong to exactly one account; staff (admin, sales) to none.
    account_id          bigint REFERENCES accounts (id),
    disabled_at         timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    password_changed_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_account_matches_role
        CHECK ((role IN ('owner', 'member')) = (account_id IS NOT NULL))
);
-- Case-insensitive uniqueness; lookups use lower(email) so they hit this index.
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));
CREATE INDEX users_account_id_idx ON users (account_id) WHERE account_id IS NOT NULL;

CREATE TABLE sessions (
    -- SHA-256 of the cookie's token; the token itself is never stored.
    token_hash   bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   text NOT NULL,
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

CREATE TABLE login_attempts (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- 'email:<lowercased email>' or 'ip:<client address>'.
    key          text NOT NULL,
    attempted_at timestamptz NOT NULL,
    succeeded    boolean NOT NULL
);
CREATE INDEX login_attempts_key_time_idx ON login_attempts (key, attempted_at);
