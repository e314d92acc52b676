-- Expired keys are purged by age (IdempotencyKeyPurge), across organizations.
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
