-- Issue 12: search. The tokens (made by the app, see domain/src/search.rs) as a tsvector with a
-- GIN index; `seq` numbers the rows as they are indexed and orders photo results newest first.
CREATE TABLE photo_search (
    seq      BIGSERIAL PRIMARY KEY,
    photo_id TEXT NOT NULL UNIQUE REFERENCES photos(id) ON DELETE CASCADE,
    tokens   TSVECTOR NOT NULL
);
CREATE INDEX photo_search_tokens ON photo_search USING GIN (tokens);

CREATE TABLE user_search (
    seq     BIGSERIAL PRIMARY KEY,
    user_id TEXT NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
    tokens  TSVECTOR NOT NULL
);
CREATE INDEX user_search_tokens ON user_search USING GIN (tokens);
