"""The I-VAN API (`/api/v1`, django-ninja): dossiers, receipts, the event feed, registrations."""
