-- SPDX-License-Identifier: AGPL-3.0-or-later
-- How a machine's BMC certificate is trusted besides bmc_insecure (postgresql dialect; keep in step with
-- ../sqlite/V5__machine_tls.sql): CA certificates (PEM text) it must chain to, or the
-- SHA-256 (lower-case hex) it must have. Both null: the system trust store.
ALTER TABLE machines ADD COLUMN bmc_ca_pem TEXT;
ALTER TABLE machines ADD COLUMN bmc_fingerprint TEXT;
