"""The national public-service portal: each dossier's reception and changes of state sent to the portal
(``DongBoHoSoMC``, ``CapNhatTienDoHoSoMC``) by the job worker, with a delivery ledger IT reads and
resends from. Off until ``HOSO_PORTAL_URL`` is set (docs/operations.md, "National portal")."""
