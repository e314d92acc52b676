-- Customers per organization, kept in the same transaction as every create, so that the quota
-- (Limits:Organization:MaxCustomers) is a check of one row, not a count of the organization.
CREATE TABLE organization_usage (
    org_id TEXT NOT NULL PRIMARY KEY,
    customers INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO organization_usage (org_id, customers)
SELECT org_id, COUNT(*) FROM customers GROUP BY org_id;
