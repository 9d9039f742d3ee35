-- PostgreSQL refuses a ledger transaction whose legs do not sum to zero per asset.
-- Checked per INSERT statement (the poster writes all legs of a transaction in one
-- statement), so bulk postings cost one GROUP BY, not one per leg.
CREATE OR REPLACE FUNCTION accounts_ledger_check_balanced() RETURNS trigger AS $$
DECLARE
    bad record;
BEGIN
    SELECT l.transaction_id, l.asset_id, SUM(l.amount) AS total INTO bad
      FROM accounts_ledgerleg l
     WHERE l.transaction_id IN (SELECT DISTINCT transaction_id FROM new_legs)
     GROUP BY l.transaction_id, l.asset_id
    HAVING SUM(l.amount) <> 0
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ledger transaction % does not balance for asset %: sum %',
            bad.transaction_id, bad.asset_id, bad.total
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER accounts_ledgerleg_balanced
    AFTER INSERT ON accounts_ledgerleg
    REFERENCING NEW TABLE AS new_legs
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_ledger_check_balanced();

-- Legs are history: never edited, never deleted. A correction is a new transaction.
CREATE OR REPLACE FUNCTION accounts_ledger_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger legs are immutable; post a correcting transaction instead'
        USING ERRCODE = 'check_violation';
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER accounts_ledgerleg_immutable
    BEFORE UPDATE OR DELETE ON accounts_ledgerleg
    FOR EACH ROW EXECUTE FUNCTION accounts_ledger_immutable();
