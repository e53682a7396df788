-- Issue 12: search. Each table maps its rows (`seq`, numbered as they are indexed) to photos or
-- users; the tokens (made by the app, see domain/src/search.rs) are in a contentless FTS5 table
-- whose rowid is `seq`. The `ascii` tokenizer only splits on the spaces the app put between
-- tokens; prefix indexes of 2 and 3 characters make short prefixes cheap.
CREATE TABLE photo_search (
    seq      INTEGER PRIMARY KEY,
    photo_id TEXT NOT NULL UNIQUE REFERENCES photos(id) ON DELETE CASCADE
);
CREATE VIRTUAL TABLE photo_search_fts USING fts5(
    tokens, content = '', contentless_delete = 1, tokenize = 'ascii', prefix = '2 3'
);
CREATE TRIGGER photo_search_gone AFTER DELETE ON photo_search BEGIN
    DELETE FROM photo_search_fts WHERE rowid = old.seq;
END;

CREATE TABLE user_search (
    seq     INTEGER PRIMARY KEY,
    user_id TEXT NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE
);
CREATE VIRTUAL TABLE user_search_fts USING fts5(
    tokens, content = '', contentless_delete = 1, tokenize = 'ascii', prefix = '2 3'
);
CREATE TRIGGER user_search_gone AFTER DELETE ON user_search BEGIN
    DELETE FROM user_search_fts WHERE rowid = old.seq;
END;
