-- An erasure finds the idempotency records of what it removes by their resource (EraseCustomerAsync).
CREATE INDEX idempotency_keys_resource ON idempotency_keys (org_id, resource_id);
