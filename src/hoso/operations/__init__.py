"""Running the gateway: backups and restores, and the production-settings check."""
