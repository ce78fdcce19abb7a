"""hoso — the electronic-dossier gateway of a Vietnamese social-insurance office."""

__version__ = "0.1.0"
