"""Officers' accounts: the log-in defence (django-axes, its state in the database), the idle timeout and
the roles as data (issue 21)."""
