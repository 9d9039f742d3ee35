DROP TRIGGER IF EXISTS accounts_ledgerleg_immutable ON accounts_ledgerleg;
DROP TRIGGER IF EXISTS accounts_ledgerleg_balanced ON accounts_ledgerleg;
DROP FUNCTION IF EXISTS accounts_ledger_immutable();
DROP FUNCTION IF EXISTS accounts_ledger_check_balanced();
